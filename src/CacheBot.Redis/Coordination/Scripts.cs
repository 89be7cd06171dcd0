namespace CacheBot.Redis.Coordination;

/// <summary>
/// The Lua scripts of the coordination protocol. Every script declares its two keys (KEYS[1] the meta hash, KEYS[2] the
/// log stream, one hash slot) and runs atomically; none scans the keyspace.
/// </summary>
/// <remarks>
/// <para>Meta hash fields: <c>epoch</c> (random, chosen when the hash is created: the sentinel), <c>run</c> (the server's
/// run_id when the epoch was created: a restart that reloads older data changes it), <c>last</c> (number of the newest log
/// entry), <c>lastk</c> (its nonce), <c>rev</c> (a fresh nonce on every change: equal revisions mean equal state), and one
/// field <c>i:&lt;origin&gt;:&lt;n&gt;</c> per announced write, valued <c>&lt;deadline ms&gt;:&lt;payload&gt;</c>.</para>
/// <para>Log entries have ids <c>n-0</c>, n = 1, 2, ... within an epoch, and fields <c>p</c> (payload), <c>o</c> (origin),
/// <c>k</c> (nonce), <c>v</c> (the previous entry's nonce): a reader whose cursor is at entry c with nonce k accepts entry
/// c + 1 only if its <c>v</c> is k, so trimmed, lost or rewritten history is detected.</para>
/// <para>Writes (announce, publish) create the epoch when the hash is missing or the server restarted, turn announcements
/// past their deadline into table writes (reap), and renew the keys' time to live.</para>
/// </remarks>
internal static class Scripts
{
    private const string Prelude = """
        local meta, log = KEYS[1], KEYS[2]
        -- A log entry that invalidates everything (WriteCodec, version 1: one record of kind Everything).
        local EVERYTHING = '\1\1\3'
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function ensure(epoch)
          local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
          local m = redis.call('HMGET', meta, 'epoch', 'run')
          if (not m[1]) or m[2] ~= run then
            redis.call('UNLINK', log)
            redis.call('HSET', meta, 'epoch', epoch, 'run', run, 'last', 0, 'lastk', '')
          end
        end
        local function append(payload, origin, k, maxlen)
          local h = redis.call('HMGET', meta, 'last', 'lastk')
          local n = tonumber(h[1]) + 1
          redis.call('XADD', log, 'MAXLEN', '~', maxlen, n .. '-0', 'p', payload, 'o', origin, 'k', k, 'v', h[2])
          redis.call('HSET', meta, 'last', n, 'lastk', k)
          return n
        end
        local function reap(k, maxlen)
          local now = now_ms()
          local fields = redis.call('HGETALL', meta)
          local count = 0
          for i = 1, #fields, 2 do
            local f = fields[i]
            if string.sub(f, 1, 2) == 'i:' then
              local v = fields[i + 1]
              local sep = string.find(v, ':', 1, true)
              local deadline = sep and tonumber(string.sub(v, 1, sep - 1))
              if (not deadline) or deadline < now then
                count = count + 1
                local payload = sep and string.sub(v, sep + 1) or ''
                if payload == '' then payload = EVERYTHING end
                append(payload, '', k .. ':r' .. count, maxlen)
                redis.call('HDEL', meta, f)
              end
            end
          end
        end
        local function touch(ttl)
          redis.call('EXPIRE', meta, ttl)
          redis.call('EXPIRE', log, ttl)
        end

        """;

    /// <summary>
    /// Catch-up read (no writes: answered under <c>CLIENT PAUSE WRITE</c> and on read-only replicas).
    /// ARGV: known epoch, known rev, cursor, max entries, verify run id (1/0).
    /// Returns <c>{0}</c> (no epoch, or the server restarted: call <see cref="Publish"/> to create one), <c>{1}</c> (unchanged),
    /// or <c>{2, epoch, rev, last, lastk, seconds, microseconds, entries, meta fields}</c>.
    /// </summary>
    public const string Read = """
        #!lua flags=no-writes
        local meta, log = KEYS[1], KEYS[2]
        local m = redis.call('HMGET', meta, 'epoch', 'rev', 'last', 'lastk', 'run')
        if not m[1] then return {0} end
        if ARGV[5] == '1' and string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') ~= m[5] then return {0} end
        if m[1] == ARGV[1] and m[2] == ARGV[2] then return {1} end
        local entries = {}
        if m[1] == ARGV[1] and m[3] ~= ARGV[3] then
          entries = redis.call('XRANGE', log, '(' .. ARGV[3] .. '-0', '+', 'COUNT', ARGV[4])
        end
        local t = redis.call('TIME')
        return {2, m[1], m[2], m[3], m[4], t[1], t[2], entries, redis.call('HGETALL', meta)}
        """;

    /// <summary>
    /// Announces writes about to commit. ARGV: intent id, payload (coarse), new epoch, nonce, key TTL (s), log length,
    /// lease (ms). Returns the epoch.
    /// </summary>
    public const string Announce = Prelude + """
        ensure(ARGV[3])
        reap(ARGV[4], ARGV[6])
        redis.call('HSET', meta, 'i:' .. ARGV[1], (now_ms() + tonumber(ARGV[7])) .. ':' .. ARGV[2], 'rev', ARGV[4])
        touch(ARGV[5])
        return redis.call('HGET', meta, 'epoch')
        """;

    /// <summary>
    /// Publishes committed writes and withdraws their announcement; with an empty payload only withdraws (and with an empty
    /// intent id only creates the epoch and reaps). ARGV: intent id or '', payload or '', origin, new epoch, nonce,
    /// key TTL (s), log length. Returns <c>{epoch, n}</c> (n = 0 when nothing was appended).
    /// </summary>
    public const string Publish = Prelude + """
        ensure(ARGV[4])
        reap(ARGV[5], ARGV[7])
        if ARGV[1] ~= '' then redis.call('HDEL', meta, 'i:' .. ARGV[1]) end
        local n = 0
        if ARGV[2] ~= '' then n = append(ARGV[2], ARGV[3], ARGV[5], ARGV[7]) end
        redis.call('HSET', meta, 'rev', ARGV[5])
        touch(ARGV[6])
        return {redis.call('HGET', meta, 'epoch'), n}
        """;
}

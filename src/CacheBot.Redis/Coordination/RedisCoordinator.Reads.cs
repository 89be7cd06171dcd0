using System.Diagnostics;
using CacheBot.Linq.Providers;
using CacheBot.Redis.Diagnostics;
using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>The read side: catching up with the shared log before (strict) or while (bounded) local state is used.</summary>
internal sealed partial class RedisCoordinator
{
    private static readonly TimeSpan RunCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly WriteRecord[] NoIntents = [];
    private static readonly RedisValue[] EpochAndRev = ["epoch", "rev"];

    private Dictionary<string, WriteRecord[]> _intentCache = new(StringComparer.Ordinal);
    private int _refreshing;
    private long _catchUpCalls;

    // Bounded mode (Stopwatch ticks, 0 before the first catch-up): local state may be used before _freshUntil; from
    // _refreshAt on, a read also starts a background catch-up.
    private long _freshUntil;
    private long _refreshAt;

    // When (Stopwatch ticks) the earliest announcement seen at the last snapshot passes its deadline: the log's revision
    // does not change when an announcement expires, so unchanged catch-ups check this to reap it.
    private long _intentDeadline = long.MaxValue;

    public override ValueTask<bool> EnterReadAsync(bool async, CancellationToken cancellationToken)
    {
        if (Bounded)
        {
            // Bounded: local state is good while the last successful catch-up started less than MaxStaleness ago. The hit
            // reads the clock once and compares it with one precomputed tick (the catch-up sets it); past half of
            // MaxStaleness it also starts a background catch-up, so a steady reader never waits for Redis.
            var now = Stopwatch.GetTimestamp();
            if (now < Volatile.Read(ref _refreshAt))
            {
                return new ValueTask<bool>(true);
            }

            if (now < Volatile.Read(ref _freshUntil))
            {
                StartRefresh();
                return new ValueTask<bool>(true);
            }

            return CatchUpAsync(now, async, cancellationToken);
        }

        return CatchUpAsync(Stopwatch.GetTimestamp(), async, cancellationToken);
    }

    /// <summary>Gets the number of catch-up calls made to Redis (each one round trip); for tests and diagnostics.</summary>
    internal long CatchUpCalls => Interlocked.Read(ref _catchUpCalls);

    /// <summary>
    /// Brings local state up to the log as it is after <paramref name="arrival"/>: returns true once a catch-up that
    /// started after it has been applied, false when Redis could not be read in time.
    /// </summary>
    internal async ValueTask<bool> CatchUpAsync(long arrival, bool async, CancellationToken cancellationToken)
    {
        if (IsDisposed || _link is null)
        {
            return false;
        }

        if (async)
        {
            if (!await _flight.WaitAsync(_options.ReadTimeout, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        else if (!_flight.Wait(_options.ReadTimeout, cancellationToken))
        {
            return false;
        }

        var verify = false;
        try
        {
            if (Volatile.Read(ref _lastGoodStart) > arrival)
            {
                // A catch-up that started after this read arrived has been applied meanwhile.
                return true;
            }

            var started = Stopwatch.GetTimestamp();
            verify = Volatile.Read(ref _verifyRun) != 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref _lastRunCheck), started) >= RunCheckInterval;
            if (verify)
            {
                Volatile.Write(ref _verifyRun, 0);
            }

            // Nothing new (the usual case): one plain HMGET of the epoch and revision, cheaper than the script for Redis and
            // for the client. Anything else (a change, no state yet, a run-id check due) goes to the script.
            if (!verify && State is { Epoch: { } knownEpoch, Rev: { } knownRev }
                && await IsUnchangedAsync(knownEpoch, knownRev, async, cancellationToken).ConfigureAwait(false))
            {
                Unchanged(started, verified: false);
                return true;
            }

            for (var round = 0; round < MaxRounds; round++)
            {
                var state = State;
                RedisValue[] args = [state.Epoch ?? "", state.Rev ?? "", state.Cursor, BatchSize, verify ? 1 : 0];
                Interlocked.Increment(ref _catchUpCalls);
                var result = await EvaluateAsync(Scripts.Read, args, _options.ReadTimeout, async, cancellationToken).ConfigureAwait(false);
                switch ((int)result[0])
                {
                    case 1:
                        Unchanged(started, verify);
                        return true;
                    case 0:
                        // No epoch (flushed, lost, expired, evicted) or a restarted server: create a new one, then follow it.
                        await PublishCoreAsync("", RedisValue.EmptyString, _options.ReadTimeout, async, cancellationToken).ConfigureAwait(false);
                        continue;
                    default:
                        if (Apply(result, state))
                        {
                            MarkGood(started, verify);
                            return true;
                        }

                        continue;
                }
            }

            return false;
        }
        catch (Exception ex) when (!IsRedisFailure(ex, cancellationToken) && ex is not OperationCanceledException)
        {
            // Not a Redis failure (a reply this version cannot read): never fail the query for it. What was applied may be
            // partial, so the next catch-up starts over (a resync drops every entry).
            Volatile.Write(ref _state, LogState.Unsynced);
            Log.CatchUpFailed(Logger, ex);
            return false;
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            // A failure is often a dropped connection, and the server on the other side of the next one may have
            // restarted: check its run id at the next catch-up.
            Volatile.Write(ref _verifyRun, 1);

            Log.CatchUpFailed(Logger, ex);
            return false;
        }
        finally
        {
            _flight.Release();
        }
    }

    /// <summary>Whether the log's epoch and revision are still the ones this process applied (one HMGET).</summary>
    private async ValueTask<bool> IsUnchangedAsync(string epoch, string rev, bool async, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _catchUpCalls);
        var values = async
            ? await _database.HashGetAsync(_keys.Meta, EpochAndRev).WaitAsync(_options.ReadTimeout, cancellationToken).ConfigureAwait(false)
            : _database.HashGet(_keys.Meta, EpochAndRev);
        return values.Length == 2 && (string?)values[0] == epoch && (string?)values[1] == rev;
    }

    /// <summary>The log has not changed since the last catch-up: the state is current as of <paramref name="started"/>.</summary>
    private void Unchanged(long started, bool verified)
    {
        if (Stopwatch.GetTimestamp() > Volatile.Read(ref _intentDeadline))
        {
            StartReap();
        }

        MarkGood(started, verified);
    }

    /// <summary>
    /// Records a catch-up that started at <paramref name="started"/> and applied the log (under the flight gate, so calls
    /// are serialised): reads that arrived before it may reuse it; bounded reads may use local state until
    /// <paramref name="started"/> + MaxStaleness (every write committed before <paramref name="started"/> is applied).
    /// </summary>
    private void MarkGood(long started, bool verified)
    {
        if (verified)
        {
            Volatile.Write(ref _lastRunCheck, started);
        }

        if (started <= Volatile.Read(ref _lastGoodStart))
        {
            return;
        }

        Volatile.Write(ref _lastGoodStart, started);
        if (Bounded)
        {
            // Fresh-until before refresh-at: a reader that passes the refresh-at test must find a fresh-until at least as new.
            Volatile.Write(ref _freshUntil, started + _maxStalenessTicks);
            Volatile.Write(ref _refreshAt, started + _refreshTicks);
        }
    }

    /// <summary>Applies a snapshot (under the flight gate); returns false when more entries remain to be read.</summary>
    private bool Apply(RedisResult result, LogState state)
    {
        var link = _link!;
        var epoch = (string)result[1]!;
        var rev = (string)result[2]!;
        var last = (long)result[3];
        var lastNonce = (string?)result[4] ?? "";
        var serverMs = ((long)result[5] * 1000) + ((long)result[6] / 1000);
        var entries = result[7];
        var intents = ReadIntents(result[8], serverMs, out var anyExpired, out var earliest);
        Volatile.Write(ref _intentDeadline, earliest == long.MaxValue
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)((earliest - serverMs) / 1000.0 * Stopwatch.Frequency));
        if (anyExpired)
        {
            StartReap();
        }

        if (state.Epoch != epoch)
        {
            Resync(epoch, rev, last, lastNonce, intents, keepOffset: false, state.Epoch is null ? "first contact" : "new epoch (Redis restarted, flushed or lost the keys)");
            return true;
        }

        if (last < state.Cursor || (last == state.Cursor && lastNonce != state.CursorNonce))
        {
            // The log went back or was rewritten (a restart that reloaded older data): positions may repeat.
            Resync(epoch, rev, last, lastNonce, intents, keepOffset: false, "the log was rewritten");
            return true;
        }

        var cursor = state.Cursor;
        var nonce = state.CursorNonce;
        var count = entries.Length;
        for (var i = 0; i < count; i++)
        {
            var entry = entries[i];
            var id = (string)entry[0]!;
            var n = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            if (n <= cursor)
            {
                continue;
            }

            var fields = entry[1];
            RedisValue payload = default, origin = default, entryNonce = default, previous = default;
            for (var f = 0; f + 1 < fields.Length; f += 2)
            {
                switch ((string?)fields[f])
                {
                    case "p": payload = (RedisValue)fields[f + 1]; break;
                    case "o": origin = (RedisValue)fields[f + 1]; break;
                    case "k": entryNonce = (RedisValue)fields[f + 1]; break;
                    case "v": previous = (RedisValue)fields[f + 1]; break;
                }
            }

            if (n != cursor + 1 || (string?)previous != nonce)
            {
                Resync(epoch, rev, last, lastNonce, intents, keepOffset: true, "a gap in the log (trimmed or lost entries)");
                return true;
            }

            if ((string?)origin != Origin)
            {
                WriteRecord[] records;
                try
                {
                    records = _codec.Decode((byte[])payload!);
                }
                catch (FormatException)
                {
                    Resync(epoch, rev, last, lastNonce, intents, keepOffset: true, "a log entry that cannot be read");
                    return true;
                }

                link.Apply(records, state.Local(n));
            }

            cursor = n;
            nonce = (string?)entryNonce ?? "";
        }

        if (cursor < last)
        {
            if (count < BatchSize)
            {
                Resync(epoch, rev, last, lastNonce, intents, keepOffset: true, "entries missing from the log");
                return true;
            }

            // More entries than one round trip reads: keep what was applied, read on.
            link.AdvanceReadPosition(state.Local(cursor));
            Volatile.Write(ref _state, state with { Cursor = cursor, CursorNonce = nonce });
            return false;
        }

        link.AdvanceReadPosition(state.Local(cursor));
        link.SetUnsettled(intents);
        Volatile.Write(ref _state, new LogState(epoch, rev, cursor, nonce, state.Offset, state.Start));
        return true;
    }

    private void Resync(string epoch, string rev, long last, string lastNonce, WriteRecord[] intents, bool keepOffset, string reason)
    {
        var link = _link!;
        var offset = keepOffset ? State.Offset : Math.Max(0, link.MaxAppliedPosition + 1 - last);
        var start = keepOffset ? State.Start : last + offset;

        // Advance before Reset: positions at or below the new read position are covered by the reset (TrackedSince).
        link.AdvanceReadPosition(last + offset);
        link.Reset();
        link.SetUnsettled(intents);
        Volatile.Write(ref _state, new LogState(epoch, rev, last, lastNonce, offset, start));
        Interlocked.Increment(ref _resyncs);
        Log.Resynchronized(Logger, reason);
    }

    /// <summary>The announced writes of other processes (own announcements are this process's own business).</summary>
    private WriteRecord[] ReadIntents(RedisResult fields, long serverMs, out bool anyExpired, out long earliestDeadline)
    {
        anyExpired = false;
        earliestDeadline = long.MaxValue;
        Dictionary<string, WriteRecord[]>? next = null;
        List<WriteRecord>? all = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var name = (string?)fields[i];
            if (name is null || !name.StartsWith("i:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = (byte[]?)fields[i + 1] ?? [];
            var separator = Array.IndexOf(value, (byte)':');
            var deadline = separator > 0 && long.TryParse(value.AsSpan(0, separator), System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 0;
            if (deadline < serverMs)
            {
                anyExpired = true;
            }

            earliestDeadline = Math.Min(earliestDeadline, deadline);

            if (name.AsSpan(2).StartsWith(Origin, StringComparison.Ordinal))
            {
                continue;
            }

            next ??= new Dictionary<string, WriteRecord[]>(StringComparer.Ordinal);
            if (!_intentCache.TryGetValue(name, out var records))
            {
                try
                {
                    records = separator > 0 ? _codec.Decode(value.AsSpan(separator + 1)) : [WriteRecord.ForEverything()];
                }
                catch (FormatException)
                {
                    records = [WriteRecord.ForEverything()];
                }
            }

            next[name] = records;
            (all ??= []).AddRange(records);
        }

        _intentCache = next ?? new Dictionary<string, WriteRecord[]>(StringComparer.Ordinal);
        return all is null ? NoIntents : [.. all];
    }
}

using System.Diagnostics;
using System.Globalization;
using CacheBot.Linq.Providers;
using CacheBot.Redis.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>
/// Keeps a <see cref="Linq.QueryCache"/> consistent with every other process sharing a Redis (and key prefix): writes are
/// announced before they commit and published after, in one Redis stream; reads catch up with the stream first (strict)
/// or while the last catch-up is younger than <see cref="RedisCacheOptions.MaxStaleness"/> (bounded).
/// </summary>
/// <remarks>
/// <para>Positions: entry n of the current epoch is applied at local position <c>n + offset</c> (<see cref="LogState"/>);
/// an entry is published after its write committed, so its number is above the cursor of any reader that read before
/// the commit: a write that commits while a query runs is always applied above the entry's read position.</para>
/// <para>Catch-ups run one at a time (a semaphore), so snapshots are applied in the order Redis produced them; a reader
/// that arrives while one is in flight waits and reuses the next one that started after it arrived. Only the catch-up
/// changes <see cref="State"/>.</para>
/// <para>Losing track: a missing or new epoch (restart without persistence, FLUSHALL, eviction, expiry), a restarted
/// server (run id), a gap in the chain of entries (trimmed, lost or rewritten history) or an entry that cannot be read all
/// drop every local entry (<see cref="CoordinatorLink.Reset"/>) and restart from the head of the log. A catch-up that
/// fails or times out makes the read run uncached; nothing is lost, since the log keeps what was missed (or the epoch says
/// it was lost).</para>
/// <para>Writes: an announcement that cannot be made throws (the write does not commit); a publish that cannot be made
/// returns <see langword="null"/> (the cache drops its entries), is retried in the background, and meanwhile the
/// announcement keeps the tables unsettled everywhere until it is published or reaped into a table write.</para>
/// </remarks>
internal sealed partial class RedisCoordinator : CacheCoordinator
{
    private const int BatchSize = 512;
    private const int MaxRounds = 16;

    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsRedis;
    private readonly IDatabase _database;
    private readonly RedisCacheOptions _options;
    private readonly RedisKeys _keys;
    private readonly WriteCodec _codec = new();
    private readonly SemaphoreSlim _flight = new(1, 1);
    private readonly long _maxStalenessTicks;
    private readonly long _refreshTicks;
    private readonly RedisValue _ttlSeconds;
    private readonly RedisValue _logLength;
    private readonly RedisValue _leaseMilliseconds;
    private CoordinatorLink? _link;
    private LogState _state = LogState.Unsynced;
    private long _lastGoodStart;
    private long _lastRunCheck;
    private int _verifyRun = 1;
    private long _intentSequence;
    private int _disposed;

    public RedisCoordinator(IConnectionMultiplexer redis, bool ownsRedis, RedisCacheOptions options)
    {
        _redis = redis;
        _ownsRedis = ownsRedis;
        _options = options;
        _database = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
        Origin = Guid.NewGuid().ToString("N");
        Logger = options.LoggerFactory?.CreateLogger("CacheBot.Redis") ?? NullLogger.Instance;
        _maxStalenessTicks = (long)(options.MaxStaleness.TotalSeconds * Stopwatch.Frequency);
        _refreshTicks = _maxStalenessTicks / 2;
        _ttlSeconds = (long)Math.Ceiling(options.KeyTimeToLive.TotalSeconds);
        _logLength = options.LogLength;
        _leaseMilliseconds = (long)Math.Ceiling(options.IntentTimeToLive.TotalMilliseconds);
        _redis.ConnectionFailed += OnConnectionEvent;
        _redis.ConnectionRestored += OnConnectionEvent;
    }

    /// <summary>Gets this process's origin id (its entries and announcements carry it; its own entries are skipped on catch-up).</summary>
    public string Origin { get; }

    /// <summary>Gets the multiplexer.</summary>
    public IConnectionMultiplexer Redis => _redis;

    /// <summary>Gets the keys.</summary>
    public RedisKeys Keys => _keys;

    /// <summary>Gets the options (a private copy).</summary>
    public RedisCacheOptions Options => _options;

    /// <summary>Gets what this process has applied of the log.</summary>
    public LogState State => Volatile.Read(ref _state);

    /// <summary>Gets the number of times this process dropped its entries because it lost track of the log.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    internal ILogger Logger { get; }

    internal CoordinatorLink? Link => _link;

    private bool Bounded => _maxStalenessTicks > 0;

    private long _resyncs;

    protected override void Attach(CoordinatorLink link)
    {
        // The cursor is positioned at the head of the log by the first catch-up (a resync: Reset, then follow); nothing is
        // cached before it, and doing it lazily keeps the cache's constructor free of Redis round trips.
        _link = link;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _redis.ConnectionFailed -= OnConnectionEvent;
            _redis.ConnectionRestored -= OnConnectionEvent;
            if (_ownsRedis)
            {
                _redis.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private void OnConnectionEvent(object? sender, ConnectionFailedEventArgs e) =>
        // A reconnection may be to a restarted server: the next catch-up checks the run id.
        Volatile.Write(ref _verifyRun, 1);

    private async ValueTask<RedisResult> EvaluateAsync(string script, RedisValue[] args, TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        if (!async)
        {
            return _database.ScriptEvaluate(script, _keys.Scripts, args);
        }

        return await _database.ScriptEvaluateAsync(script, _keys.Scripts, args).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private static RedisValue NewNonce() => Random.Shared.NextInt64().ToString("x", CultureInfo.InvariantCulture);

    private static RedisValue NewEpoch() => Guid.NewGuid().ToString("N");

    /// <summary>Whether an exception means "Redis could not be used" (as opposed to a bug, which must surface).</summary>
    private static bool IsRedisFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is RedisException or TimeoutException or ObjectDisposedException or FormatException or InvalidCastException
            or IndexOutOfRangeException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}

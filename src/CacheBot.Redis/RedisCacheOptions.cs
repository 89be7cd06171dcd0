using Microsoft.Extensions.Logging;

namespace CacheBot.Redis;

/// <summary>
/// Settings of CacheBot's Redis scale-out (<see cref="RedisQueryCacheOptionsExtensions.UseRedis(Linq.QueryCacheOptions, string, Action{RedisCacheOptions}?)"/>).
/// Every process that shares a cache must use the same Redis, the same <see cref="KeyPrefix"/> and the same database mapping.
/// </summary>
/// <remarks>Documentation: docs/scale-out.md.</remarks>
public sealed class RedisCacheOptions
{
    private string _keyPrefix = "";
    private TimeSpan _maxStaleness = TimeSpan.Zero;
    private TimeSpan _readTimeout = TimeSpan.FromMilliseconds(500);
    private TimeSpan _writeTimeout = TimeSpan.FromSeconds(2);
    private TimeSpan _intentTimeToLive = TimeSpan.FromSeconds(15);
    private TimeSpan _keyTimeToLive = TimeSpan.FromDays(1);
    private int _logLength = 10_000;
    private int _maxEntryBytes = 64 * 1024;

    /// <summary>
    /// Gets or sets the prefix of every key CacheBot writes (several applications on one Redis use different prefixes).
    /// The log keys are <c>{prefix + "cachebot"}:meta</c> and <c>:log</c> (one hash slot); shared results live under
    /// <c>prefix + "cachebot:r:"</c>. Default empty.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The value contains <c>{</c> or <c>}</c> (CacheBot chooses the hash tag itself).</exception>
    public string KeyPrefix
    {
        get => _keyPrefix;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _keyPrefix = value.AsSpan().IndexOfAny('{', '}') < 0
                ? value
                : throw new ArgumentException("KeyPrefix must not contain '{' or '}': CacheBot puts the prefix inside its own hash tag.", nameof(value));
        }
    }

    /// <summary>
    /// Gets or sets the bounded staleness: <see cref="TimeSpan.Zero"/> (default) is strict (every cached read first catches
    /// up with the shared log, one Redis round trip); a positive value lets a read use local state while the last catch-up
    /// started less than this long ago, so a read may miss writes committed less than this long before it started, never
    /// more. At most one hour.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above one hour.</exception>
    public TimeSpan MaxStaleness
    {
        get => _maxStaleness;
        set => _maxStaleness = value >= TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxStaleness must be between zero (strict) and one hour.");
    }

    /// <summary>
    /// Gets or sets whether query results are also kept in Redis (one key per query, with its time to live), so another
    /// process's miss can be answered without the database; each reader checks a shared result against its own
    /// invalidation state before using it. Results that cannot be serialized exactly are not shared. Default <see langword="false"/>.
    /// </summary>
    public bool ShareResults { get; set; }

    /// <summary>
    /// Gets or sets how long a read waits for Redis before it runs uncached (asynchronous reads; synchronous reads wait up to
    /// the connection's <c>SyncTimeout</c>). Default 500 ms.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan ReadTimeout
    {
        get => _readTimeout;
        set => _readTimeout = Positive(value, nameof(ReadTimeout));
    }

    /// <summary>
    /// Gets or sets how long a write waits for Redis: announcing a write that cannot be announced within it fails the write
    /// (before the database commits); a publish that cannot be made within it drops this process's entries and is retried
    /// in the background. Default 2 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan WriteTimeout
    {
        get => _writeTimeout;
        set => _writeTimeout = Positive(value, nameof(WriteTimeout));
    }

    /// <summary>
    /// Gets or sets how long an announced write may stay unpublished: after it, any process turns the announcement into a
    /// write to its tables (a writer that died between its commit and its publish). Meanwhile other processes do not serve
    /// cached results of those tables. Default 15 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan IntentTimeToLive
    {
        get => _intentTimeToLive;
        set => _intentTimeToLive = Positive(value, nameof(IntentTimeToLive));
    }

    /// <summary>
    /// Gets or sets the time to live of the log keys, renewed by every write. When it runs out (no write for that long),
    /// every process drops its entries once. Default one day; at least one minute.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below one minute.</exception>
    public TimeSpan KeyTimeToLive
    {
        get => _keyTimeToLive;
        set => _keyTimeToLive = value >= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "KeyTimeToLive must be at least one minute.");
    }

    /// <summary>
    /// Gets or sets how many entries the shared log keeps (approximately; older ones are trimmed). A process that falls
    /// further behind drops its entries and starts again. Default 10,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 100..10,000,000.</exception>
    public int LogLength
    {
        get => _logLength;
        set => _logLength = value is >= 100 and <= 10_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "LogLength must be between 100 and 10,000,000.");
    }

    /// <summary>
    /// Gets or sets the largest log entry in bytes: a transaction whose row images exceed it is published as table writes.
    /// Redis memory for the log is bounded by about <see cref="LogLength"/> times this. Default 64 KiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 KiB..16 MiB.</exception>
    public int MaxEntryBytes
    {
        get => _maxEntryBytes;
        set => _maxEntryBytes = value is >= 1024 and <= 16 * 1024 * 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxEntryBytes must be between 1 KiB and 16 MiB.");
    }

    /// <summary>Gets or sets where the coordinator logs (connection failures, resynchronisations); <see langword="null"/> disables logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal RedisCacheOptions Clone() => (RedisCacheOptions)MemberwiseClone();

    private static TimeSpan Positive(TimeSpan value, string name) => value > TimeSpan.Zero
        ? value
        : throw new ArgumentOutOfRangeException(nameof(value), value, name + " must be positive.");
}

using Microsoft.Extensions.Options;

namespace CacheBot.Linq;

/// <summary>
/// Cache-wide settings of a <see cref="QueryCache"/>. Per-query choices live in <see cref="CacheQueryOptions"/>.
/// Implements <see cref="IOptions{TOptions}"/> so <c>new QueryCache(new QueryCacheOptions())</c> works without DI.
/// </summary>
/// <remarks>Documentation: README.md "Configuration".</remarks>
public sealed class QueryCacheOptions : IOptions<QueryCacheOptions>
{
    private TimeSpan _defaultTimeToLive = TimeSpan.FromMinutes(10);
    private long _sizeLimit = 100_000;
    private int _stampSlotsLog2 = 20;
    private int _maxValueTuples = 256;
    private InvalidationGranularity _granularity = InvalidationGranularity.Conjunctive;
    private int _maxTrackedShapes = DefaultMaxTrackedShapes;

    /// <summary>
    /// Gets or sets whether "get" queries (<c>First</c>, <c>FirstOrDefault</c>, <c>Single</c>, <c>SingleOrDefault</c>)
    /// are cached without an explicit <c>Cache()</c> call, like django-cachebot's <c>CACHEBOT_CACHE_GET</c>. Default <see langword="true"/>.
    /// </summary>
    public bool CacheGet { get; set; } = true;

    /// <summary>
    /// Gets the tables (by mapped table name, case-insensitive) whose queries are never cached, like django-cachebot's
    /// <c>CACHEBOT_TABLE_BLACKLIST</c>. A query touching any of them runs uncached and counts as a bypass.
    /// </summary>
    public ISet<string> IgnoredTables { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the entity types for which "get" queries are not cached by default (they are still cached with an explicit
    /// <c>Cache()</c>), like django-cachebot's <c>CacheBotManager(cache_get=False)</c>. <see cref="CacheBotEntityAttribute"/> does the same on the type.
    /// </summary>
    public ISet<Type> CacheGetDisabledFor { get; } = new HashSet<Type>();

    /// <summary>Gets or sets how long a result stays cached when the query does not say otherwise. Default 10 minutes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or longer than <see cref="MaxTimeToLive"/>.</exception>
    public TimeSpan DefaultTimeToLive
    {
        get => _defaultTimeToLive;
        set => _defaultTimeToLive = ValidateTimeToLive(value, nameof(DefaultTimeToLive));
    }

    /// <summary>Gets the longest time to live CacheBot accepts (3,650 days); longer ones would overflow expiry dates.</summary>
    public static TimeSpan MaxTimeToLive { get; } = TimeSpan.FromDays(3650);

    /// <summary>
    /// Gets or sets the size bound of the in-memory result store, in units of cached rows (a scalar result counts as 1,
    /// a sequence as its row count plus 1). Default 100,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long SizeLimit
    {
        get => _sizeLimit;
        set => _sizeLimit = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "SizeLimit must be positive.");
    }

    /// <summary>
    /// Gets or sets the base-2 logarithm of the number of version-stamp slots (default 20: 1,048,576 slots, 8 MiB).
    /// Each dependency key owns two slots and is invalidated by a write to another key only when both are shared with
    /// written keys: fewer slots cost precision, never correctness.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 10..28.</exception>
    public int StampSlotsLog2
    {
        get => _stampSlotsLog2;
        set => _stampSlotsLog2 = value is >= 10 and <= 28
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "StampSlotsLog2 must be between 10 and 28.");
    }

    /// <summary>
    /// Gets or sets the largest number of value tuples one dependency may hold (the bounded cross product of
    /// equality and <c>Contains</c> values). Above it, the column with most values drops out. Default 256.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..65536.</exception>
    public int MaxValueTuples
    {
        get => _maxValueTuples;
        set => _maxValueTuples = value is >= 1 and <= 65536
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxValueTuples must be between 1 and 65536.");
    }

    /// <summary>
    /// Gets or sets how writes invalidate: <see cref="InvalidationGranularity.Conjunctive"/> (default, most precise),
    /// <see cref="InvalidationGranularity.PerField"/> (django-cachebot's rule) or <see cref="InvalidationGranularity.PerTable"/>
    /// (cheapest writes, coarsest invalidation; useful for write-heavy tables).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="InvalidationGranularity"/>.</exception>
    public InvalidationGranularity Granularity
    {
        get => _granularity;
        set => _granularity = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Granularity must be Conjunctive, PerField or PerTable.");
    }

    /// <summary>
    /// Gets or sets whether the cache keeps per-shape statistics for <see cref="CacheStatistics.TopShapes"/> (hits, misses,
    /// bypasses with their reason, invalidations, entries, latency). Default <see langword="true"/>; a hit then costs one
    /// uncontended increment more (see README "Observability").
    /// </summary>
    public bool TrackShapeStatistics { get; set; } = true;

    /// <summary>
    /// Gets or sets how many query shapes <see cref="CacheStatistics.TopShapes"/> tracks at most; when a new shape arrives at
    /// the bound, the least used are dropped. Default 256.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..100000.</exception>
    public int MaxTrackedShapes
    {
        get => _maxTrackedShapes;
        set => _maxTrackedShapes = value is >= 1 and <= 100_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxTrackedShapes must be between 1 and 100000.");
    }

    /// <summary>Gets or sets the name used in metrics tags and logs. Default "default".</summary>
    public string CacheName { get; set; } = "default";

    /// <summary>Gets or sets the clock used for time-to-live; <see langword="null"/> uses <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Gets or sets the result store; <see langword="null"/> uses an in-memory store bounded by <see cref="SizeLimit"/>.
    /// </summary>
    public IQueryResultStore? ResultStore { get; set; }

    /// <summary>
    /// Gets or sets the coordinator that keeps the cache consistent with other processes sharing a backend (for example
    /// <c>UseRedis(...)</c> from CacheBot.Redis); <see langword="null"/> (default) keeps invalidation within this process.
    /// A coordinator serves one cache.
    /// </summary>
    public Providers.CacheCoordinator? Coordinator { get; set; }

    /// <summary>
    /// Gets or sets a second-level store shared with other processes (set by CacheBot.Redis with <c>ShareResults</c>); it
    /// needs a <see cref="Coordinator"/>. <see langword="null"/> (default): results stay in this process.
    /// </summary>
    public Providers.ISharedResultStore? SharedResultStore { get; set; }

    QueryCacheOptions IOptions<QueryCacheOptions>.Value => this;

    internal const int DefaultMaxTrackedShapes = 256;

    internal static TimeSpan ValidateTimeToLive(TimeSpan value, string name) =>
        value > TimeSpan.Zero && value <= MaxTimeToLive
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {MaxTimeToLive.TotalDays:0} days (QueryCacheOptions.MaxTimeToLive).");
}

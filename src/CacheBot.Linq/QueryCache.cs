using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Reflection;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheBot.Linq;

/// <summary>
/// A query-result cache with automatic, precise invalidation. Holds the result store, the version stamps and the
/// registry of dependency schemes; wrap queries with <c>AsCacheBot(cache)</c> (or linq2db's <c>UseCacheBot(cache)</c>).
/// Thread-safe; create one per application (or per database group) and share it.
/// </summary>
/// <remarks>Documentation: README.md, docs/architecture.md, docs/invalidation.md.</remarks>
public sealed partial class QueryCache : IDisposable
{
    private readonly ConcurrentDictionary<string, ClrEntityModel> _clrModels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, bool> _getCachingDisabled = new();
    private readonly ConcurrentDictionary<UInt128, RefusalReason> _refusedShapes = new();
    private readonly ConcurrentDictionary<UInt128, AnalysisPlan> _plans = new();
    private int _planCount;
    private long _plannedAnalyses;
    private readonly AsyncLocal<CacheWriteScope?> _scope = new();
    private readonly bool _ownsStore;
    private readonly CacheMetrics _metrics;
    private readonly CacheCommit _localCommit;

    /// <summary>Creates a cache.</summary>
    /// <param name="options">Cache-wide settings; <c>new QueryCacheOptions()</c> works without DI.</param>
    /// <param name="loggerFactory">Where to log (Debug: why a query was not cached); <see langword="null"/> disables logging.</param>
    /// <param name="meterFactory">Where to create the <see cref="CacheBotDiagnostics.MeterName"/> meter; <see langword="null"/> uses a shared static meter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public QueryCache(IOptions<QueryCacheOptions> options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Logger = (ILogger?)loggerFactory?.CreateLogger("CacheBot.Linq") ?? NullLogger.Instance;
        TimeProvider = Options.TimeProvider ?? TimeProvider.System;
        _ownsStore = Options.ResultStore is null;
        Store = Options.ResultStore ?? new ClockResultStore(Options.SizeLimit, TimeProvider);
        Stamps = new StampTable(Options.StampSlotsLog2);
        Schemes = new SchemeRegistry(Stamps);
        Engine = new InvalidationEngine(Stamps, Schemes);
        Statistics = new CacheStatistics(() => Engine.Invalidations, Options);
        AnalysisSettings = new AnalysisSettings(Options.MaxValueTuples, Options.Granularity, Options.IgnoredTables, null);
        _localCommit = new CacheCommit(this, null, coordinated: false);
        _metrics = new CacheMetrics(this, meterFactory);
        Coordinator = Options.Coordinator;
        Coordinator?.Connect(new CoordinatorLink(this));
    }

    /// <summary>Gets the cache-wide settings.</summary>
    public QueryCacheOptions Options { get; }

    /// <summary>Gets hit, miss, store, bypass and invalidation counters.</summary>
    public CacheStatistics Statistics { get; }

    /// <summary>Gets the coordinator that keeps this cache consistent with other processes, if any (<see cref="QueryCacheOptions.Coordinator"/>).</summary>
    public CacheCoordinator? Coordinator { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal IQueryResultStore Store { get; }

    internal StampTable Stamps { get; }

    internal SchemeRegistry Schemes { get; }

    internal InvalidationEngine Engine { get; }

    internal AnalysisSettings AnalysisSettings { get; }

    internal CacheMetrics Metrics => _metrics;

    /// <summary>Gets whether a <see cref="CacheWriteScope"/> is open on the current async flow.</summary>
    internal bool InWriteScope => _scope.Value is not null;

    /// <inheritdoc/>
    public void Dispose()
    {
        _metrics.Dispose();

        // A coordinator serves one cache (QueryCacheOptions.Coordinator): it goes with it (connections, background work).
        Coordinator?.Dispose();
        if (_ownsStore && Store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    internal ClrEntityModel GetClrModel(string database) => _clrModels.GetOrAdd(database, static d => new ClrEntityModel(d));

    /// <summary>Gets a random identity of this cache, mixed into every key: caches that share a result store never read each other's entries.</summary>
    internal ulong InstanceId { get; } = (ulong)Random.Shared.NextInt64();

    /// <summary>Whether "get" queries over a source of type <paramref name="sourceType"/> (an <c>IQueryable&lt;T&gt;</c>) are opted out for T.</summary>
    internal bool IsGetCachingDisabledForSource(Type sourceType) =>
        _getCachingDisabled.GetOrAdd(sourceType, static (t, options) =>
            Analysis.TypeHelpers.GetSequenceElement(t) is { } element
            && (options.CacheGetDisabledFor.Contains(element) || element.GetCustomAttribute<CacheBotEntityAttribute>() is { CacheGet: false }), Options);

    internal bool TryGetRefusedShape(UInt128 shape, out RefusalReason reason) => _refusedShapes.TryGetValue(shape, out reason);

    /// <summary>The most analysis plans kept; when full, all are dropped (they are rebuilt by the next misses).</summary>
    internal const int MaxAnalysisPlans = 4096;

    /// <summary>Gets how many misses took their analysis from a plan (tests and diagnostics).</summary>
    internal long PlannedAnalyses => Volatile.Read(ref _plannedAnalyses);

    internal bool TryGetAnalysisPlan(UInt128 shape, [NotNullWhen(true)] out AnalysisPlan? plan) => _plans.TryGetValue(shape, out plan);

    internal void CountPlannedAnalysis() => Interlocked.Increment(ref _plannedAnalyses);

    /// <summary>Keeps the plan of a shape (replacing an older one, e.g. made before DDL rebuilt a table), bounded by <see cref="MaxAnalysisPlans"/>.</summary>
    internal void RememberAnalysisPlan(UInt128 shape, AnalysisPlan plan)
    {
        if (_plans.ContainsKey(shape))
        {
            _plans[shape] = plan;
            return;
        }

        if (Interlocked.Increment(ref _planCount) > MaxAnalysisPlans)
        {
            _plans.Clear();
            Volatile.Write(ref _planCount, 1);
        }

        _plans[shape] = plan;
    }

    internal void RememberRefusedShape(UInt128 shape, RefusalReason reason)
    {
        // Only refusals that the shape alone decides are remembered; value-dependent ones (ignored tables chosen by a
        // captured TableName) are analysed again.
        if (reason is RefusalReason.NonDeterministic or RefusalReason.UnsupportedOperator or RefusalReason.Unhashable)
        {
            _refusedShapes.TryAdd(shape, reason);
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// Observable instruments over a cache's statistics, and the query duration histogram. Each cache owns its meter (from the host's
/// <see cref="IMeterFactory"/> when given) and disposes it with the cache; callbacks hold the cache weakly so an
/// undisposed cache can still be collected. Tags are low-cardinality: the cache name and the request result only; never
/// keys, SQL, shapes or values. The histogram is recorded only while a listener enables it (<see cref="DurationEnabled"/>),
/// with tag lists built once per cache.
/// </summary>
internal sealed class CacheMetrics : IDisposable
{
    // Hits take microseconds and misses milliseconds: the default buckets (0 to 10,000) would put every query in one.
    private static readonly double[] DurationBuckets =
    [
        0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5,
        0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ];

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly TagList _hitTags;
    private readonly TagList _missTags;
    private readonly TagList _bypassTags;

    public CacheMetrics(QueryCache cache, IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(CacheBotDiagnostics.MeterName) ?? new Meter(CacheBotDiagnostics.MeterName);
        var name = new KeyValuePair<string, object?>("cachebot.cache.name", cache.Options.CacheName);
        var weak = new WeakReference<QueryCache>(cache);
        _meter.CreateObservableCounter(
            "cachebot.query.requests",
            () => weak.TryGetTarget(out var c)
                ?
                [
                    new Measurement<long>(c.Statistics.Hits, name, new("cachebot.request.result", "hit")),
                    new Measurement<long>(c.Statistics.Misses, name, new("cachebot.request.result", "miss")),
                    new Measurement<long>(c.Statistics.Bypasses, name, new("cachebot.request.result", "bypass")),
                ]
                : Array.Empty<Measurement<long>>(),
            unit: "{request}",
            description: "Cacheable queries by outcome.");
        _meter.CreateObservableCounter("cachebot.stores", () => Observe(weak, static c => c.Statistics.Stores, name), "{entry}", "Results stored.");
        _meter.CreateObservableCounter(
            "cachebot.invalidations", () => Observe(weak, static c => c.Statistics.Invalidations, name), "{stamp}", "Version stamps replaced by writes.");
        _meter.CreateObservableGauge("cachebot.entries", () => ObserveEntries(weak, name), "{entry}", "Entries in the result store.");
        _duration = _meter.CreateHistogram(
            "cachebot.query.duration",
            "s",
            "Duration of queries that asked to be cached, by result (hit, miss, bypass).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _hitTags = new TagList { name, { "cachebot.request.result", "hit" } };
        _missTags = new TagList { name, { "cachebot.request.result", "miss" } };
        _bypassTags = new TagList { name, { "cachebot.request.result", "bypass" } };
    }

    /// <summary>Gets whether a listener records <c>cachebot.query.duration</c> (read on every cached query: a field load).</summary>
    public bool DurationEnabled => _duration.Enabled;

    /// <summary>Records a query's duration.</summary>
    /// <param name="stopwatchTicks">The duration in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    /// <param name="result">The outcome.</param>
    public void RecordDuration(long stopwatchTicks, QueryResultKind result)
    {
        var seconds = (double)stopwatchTicks / System.Diagnostics.Stopwatch.Frequency;
        switch (result)
        {
            case QueryResultKind.Hit:
                _duration.Record(seconds, in _hitTags);
                break;
            case QueryResultKind.Miss:
                _duration.Record(seconds, in _missTags);
                break;
            default:
                _duration.Record(seconds, in _bypassTags);
                break;
        }
    }

    public void Dispose() => _meter.Dispose();

    // A store that fails to count reports nothing: an exception here would fail every listener's collection in the process.
    private static Measurement<long>[] ObserveEntries(WeakReference<QueryCache> weak, KeyValuePair<string, object?> tag)
    {
        if (!weak.TryGetTarget(out var cache))
        {
            return [];
        }

        long count;
        try
        {
            count = cache.Store.Count;
        }
        catch (Exception)
        {
            return [];
        }

        return [new Measurement<long>(count, tag)];
    }

    private static Measurement<long>[] Observe(WeakReference<QueryCache> weak, Func<QueryCache, long> read, KeyValuePair<string, object?> tag) =>
        weak.TryGetTarget(out var cache) ? [new Measurement<long>(read(cache), tag)] : [];
}

using System.Diagnostics.Metrics;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// Observable instruments over a cache's statistics. Each cache owns its meter (from the host's
/// <see cref="IMeterFactory"/> when given) and disposes it with the cache; callbacks hold the cache weakly so an
/// undisposed cache can still be collected. Tags are low-cardinality: the cache name only; never keys, SQL or values.
/// </summary>
internal sealed class CacheMetrics : IDisposable
{
    private readonly Meter _meter;

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
        _meter.CreateObservableGauge("cachebot.entries", () => Observe(weak, static c => c.Store.Count, name), "{entry}", "Entries in the result store.");
    }

    public void Dispose() => _meter.Dispose();

    private static Measurement<long>[] Observe(WeakReference<QueryCache> weak, Func<QueryCache, long> read, KeyValuePair<string, object?> tag) =>
        weak.TryGetTarget(out var cache) ? [new Measurement<long>(read(cache), tag)] : [];
}

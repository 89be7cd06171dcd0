using System.Globalization;
using System.Text;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Precision;

/// <summary>
/// <c>--precision</c>: runs the same <see cref="ZipfWorkload"/> against CacheBot with each
/// <see cref="InvalidationGranularity"/> and writes the hit ratios to <c>bench/results/precision.md</c>.
/// Target: Conjunctive's hit ratio at least 2x PerTable's. <c>--quick</c> runs a tenth of the operations.
/// </summary>
internal static class PrecisionMode
{
    private const int Seed = 20_240_601;

    public static void Run(string results, bool quick)
    {
        var warmup = quick ? 5_000 : 50_000;
        var measured = quick ? 20_000 : 200_000;
        var rows = new List<Row>();
        foreach (var granularity in new InvalidationGranularity?[] { null, InvalidationGranularity.Conjunctive, InvalidationGranularity.PerField, InvalidationGranularity.PerTable })
        {
            rows.Add(Measure(granularity, warmup, measured));
            Console.WriteLine($"{rows[^1].Label,-12} hit ratio {rows[^1].HitRatio:P1} (hits {rows[^1].Hits:N0}, misses {rows[^1].Misses:N0}, bypasses {rows[^1].Bypasses:N0})");
        }

        var perTable = rows.Single(r => r.Label == nameof(InvalidationGranularity.PerTable)).HitRatio;
        var text = new StringBuilder()
            .AppendLine("# Precision: hit ratio by invalidation granularity")
            .AppendLine()
            .AppendLine("`dotnet run -c Release --project bench/CacheBot.Benchmarks -- --precision`")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), {DateTime.UtcNow:yyyy-MM-dd}, seed {Seed}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Workload: 10,000 photos, 90% reads of {ZipfWorkload.Shapes} query shapes with Zipf(1.0)-distributed values (users, albums, ids, statuses, kinds), 10% single-row updates through `NotifyUpdated` (60% view counter, 20% title, 15% status move, 5% album move; rows Zipf-chosen). {warmup:N0} warm-up operations, then {measured:N0} measured. Same operations for every granularity. Target: Conjunctive ≥ 2× PerTable.")
            .AppendLine()
            .AppendLine("| Granularity | Reads | Hits | Misses | Bypasses | Hit ratio | vs PerTable |")
            .AppendLine("|-------------|------:|-----:|-------:|---------:|----------:|------------:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Reads:N0} | {r.Hits:N0} | {r.Misses:N0} | {r.Bypasses:N0} | {r.HitRatio:P1} | {(perTable > 0 ? r.HitRatio / perTable : double.NaN):F2}× |");
        }

        text.AppendLine()
            .AppendLine("Conjunctive: a write invalidates a query only if the row matches all of the query's equality constraints on the table. ")
            .AppendLine("PerField (django-cachebot): if it matches any single constrained field. PerTable (SQL-text caches): any write to the table. ")
            .AppendLine("Upper bound: the same reads with the writes not reported (nothing is ever invalidated), i.e. the misses every cache pays for first sights.");
        AppendStoreComparison(text, warmup, measured);
        Directory.CreateDirectory(results);
        var path = Path.Combine(results, "precision.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine("Wrote " + path);
    }

    /// <summary>
    /// The default store (CLOCK eviction by recency and frequency) against <c>MemoryCache</c> under size bounds that hold
    /// a fraction of the workload's distinct results (each result of this workload counts 1 toward the bound).
    /// </summary>
    private static void AppendStoreComparison(StringBuilder text, int warmup, int measured)
    {
        text.AppendLine()
            .AppendLine("## Eviction under a size bound (Conjunctive)")
            .AppendLine()
            .AppendLine("The same workload with `SizeLimit` holding a fraction of its distinct results: the default store (one probe, CLOCK eviction by recency and frequency) against `MemoryCacheResultStore` (Microsoft.Extensions.Caching.Memory, compaction of 10 % by priority then recency).")
            .AppendLine()
            .AppendLine("| SizeLimit (results) | Default store | MemoryCache | Default − MemoryCache |")
            .AppendLine("|--------------------:|--------------:|------------:|----------------------:|");
        foreach (var limit in new[] { 500, 2_000, 8_000 })
        {
            var clock = Measure(InvalidationGranularity.Conjunctive, warmup, measured, limit, store: null);
            using var memoryCache = new Linq.Storage.MemoryCacheResultStore(limit);
            var memory = Measure(InvalidationGranularity.Conjunctive, warmup, measured, limit, memoryCache);
            Console.WriteLine($"SizeLimit {limit,6}: default store {clock.HitRatio:P1}, MemoryCache {memory.HitRatio:P1}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {limit:N0} | {clock.HitRatio:P1} | {memory.HitRatio:P1} | {(clock.HitRatio - memory.HitRatio) * 100:+0.0;-0.0;0.0} points |");
        }
    }

    private static Row Measure(InvalidationGranularity? granularity, int warmup, int measured, long sizeLimit = 10_000_000, IQueryResultStore? store = null)
    {
        using var cache = new QueryCache(new QueryCacheOptions
        {
            Granularity = granularity ?? InvalidationGranularity.Conjunctive,
            SizeLimit = sizeLimit,
            ResultStore = store,
            DefaultTimeToLive = TimeSpan.FromHours(1),
        });
        var workload = new ZipfWorkload(cache, Seed, reportWrites: granularity is not null);
        for (var i = 0; i < warmup; i++)
        {
            workload.Step();
        }

        var (reads, hits, misses, bypasses) = (workload.Reads, cache.Statistics.Hits, cache.Statistics.Misses, cache.Statistics.Bypasses);
        for (var i = 0; i < measured; i++)
        {
            workload.Step();
        }

        var r = workload.Reads - reads;
        var h = cache.Statistics.Hits - hits;
        return new Row(granularity?.ToString() ?? "Upper bound", r, h, cache.Statistics.Misses - misses, cache.Statistics.Bypasses - bypasses, (double)h / r);
    }

    private sealed record Row(string Label, long Reads, long Hits, long Misses, long Bypasses, double HitRatio);
}

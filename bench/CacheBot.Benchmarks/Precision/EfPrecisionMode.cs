using System.Globalization;
using System.Text;
using CacheBot.Linq;
using Microsoft.Data.Sqlite;

namespace CacheBot.Benchmarks.Precision;

/// <summary>
/// <c>--precision-ef</c>: the Zipf precision workload through EF Core on SQLite (<see cref="EfZipfWorkload"/>) with each
/// <see cref="InvalidationGranularity"/>; writes the hit ratios to <c>bench/results/precision-ef.md</c>. Each granularity
/// gets a freshly seeded database and the same operations. <c>--quick</c> runs a tenth of the operations.
/// </summary>
internal static class EfPrecisionMode
{
    private const int Seed = 20_240_601;

    public static void Run(string results, bool quick)
    {
        var warmup = quick ? 2_000 : 20_000;
        var measured = quick ? 10_000 : 100_000;
        var rows = new List<Row>();
        foreach (var granularity in new InvalidationGranularity?[] { null, InvalidationGranularity.Conjunctive, InvalidationGranularity.PerField, InvalidationGranularity.PerTable })
        {
            rows.Add(Measure(granularity, warmup, measured));
            Console.WriteLine($"{rows[^1].Label,-12} hit ratio {rows[^1].HitRatio:P1} (hits {rows[^1].Hits:N0}, misses {rows[^1].Misses:N0}, bypasses {rows[^1].Bypasses:N0}, {rows[^1].Seconds:F0} s)");
        }

        var perTable = rows.Single(r => r.Label == nameof(InvalidationGranularity.PerTable)).HitRatio;
        var text = new StringBuilder()
            .AppendLine("# Precision through EF Core: hit ratio by invalidation granularity")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/CacheBot.Benchmarks -- --precision-ef{(quick ? " --quick" : string.Empty)}`")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), {DateTime.UtcNow:yyyy-MM-dd}, seed {Seed}, EF Core on SQLite (in memory).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Workload: the `--precision` workload (10,000 photos, 90% reads of {ZipfWorkload.Shapes} query shapes with Zipf(1.0)-distributed values, 10% single-row updates: 60% view counter, 20% title, 15% status move, 5% album move), run through EF Core: reads on `Photos.AsCacheBot()`, writes sent by EF itself, half `ExecuteUpdate` (CacheBot reads the row images) and half `SaveChanges` of a tracked entity. {warmup:N0} warm-up operations, then {measured:N0} measured.")
            .AppendLine()
            .AppendLine("| Granularity | Reads | Hits | Misses | Bypasses | Hit ratio | vs PerTable |")
            .AppendLine("|-------------|------:|-----:|-------:|---------:|----------:|------------:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Reads:N0} | {r.Hits:N0} | {r.Misses:N0} | {r.Bypasses:N0} | {r.HitRatio:P1} | {(perTable > 0 ? r.HitRatio / perTable : double.NaN):F2}× |");
        }

        text.AppendLine()
            .AppendLine("Conjunctive: a write invalidates a query only if the row (before or after) matches all of the query's equality constraints on the table. ")
            .AppendLine("PerField: if it matches any single constrained field. PerTable (the incumbent EF Core second-level cache's model): any write to the table. ")
            .AppendLine("Upper bound: the same reads with the writes sent through a context without CacheBot (nothing is invalidated).");
        Directory.CreateDirectory(results);
        var path = Path.Combine(results, "precision-ef.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine("Wrote " + path);
    }

    private static Row Measure(InvalidationGranularity? granularity, int warmup, int measured)
    {
        var connectionString = "Data Source=efzipf_" + Guid.NewGuid().ToString("N") + ";Mode=Memory;Cache=Shared";
        using var keepAlive = new SqliteConnection(connectionString);
        keepAlive.Open();
        EfZipfWorkload.Seed(connectionString);
        using var cache = new QueryCache(new QueryCacheOptions
        {
            Granularity = granularity ?? InvalidationGranularity.Conjunctive,
            SizeLimit = 10_000_000,
            DefaultTimeToLive = TimeSpan.FromHours(1),
        });
        using var workload = new EfZipfWorkload(cache, connectionString, Seed, reportWrites: granularity is not null);
        for (var i = 0; i < warmup; i++)
        {
            workload.Step();
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (reads, hits, misses, bypasses) = (workload.Reads, cache.Statistics.Hits, cache.Statistics.Misses, cache.Statistics.Bypasses);
        for (var i = 0; i < measured; i++)
        {
            workload.Step();
        }

        var r = workload.Reads - reads;
        var h = cache.Statistics.Hits - hits;
        return new Row(granularity?.ToString() ?? "Upper bound", r, h, cache.Statistics.Misses - misses, cache.Statistics.Bypasses - bypasses, (double)h / r, started.Elapsed.TotalSeconds);
    }

    private sealed record Row(string Label, long Reads, long Hits, long Misses, long Bypasses, double HitRatio, double Seconds);
}

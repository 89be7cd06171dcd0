using System.Globalization;
using System.Text;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Memory;

/// <summary>
/// <c>--memory</c>: bytes retained per cached entry beyond the result itself. Caches N distinct scalar results
/// (<c>Count(p =&gt; p.UserId == u)</c>, so the result is one boxed <see cref="int"/>) through the core (over an
/// <see cref="EmptyQueryable{T}"/> source, so populating 1M entries takes seconds), measures
/// <see cref="GC.GetTotalMemory(bool)"/> before and after, and subtracts the boxed result. Writes
/// <c>bench/results/memory.md</c>. Target: at most 256 B per entry.
/// </summary>
internal static class MemoryPerEntryMode
{
    private const int BoxedIntBytes = 24;

    public static void Run(string results)
    {
        var rows = new List<(int N, double PerEntry, double Seconds)>();
        foreach (var n in new[] { 10_000, 100_000, 1_000_000 })
        {
            rows.Add(Measure(n));
            Console.WriteLine($"{n,10:N0} entries: {rows[^1].PerEntry:F0} B per entry beyond the result ({rows[^1].Seconds:F1} s to populate)");
        }

        var text = new StringBuilder()
            .AppendLine("# Memory per cached entry")
            .AppendLine()
            .AppendLine("`dotnet run -c Release --project bench/CacheBot.Benchmarks -- --memory`")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Scalar results (`Cache().Count(p => p.UserId == u)`, one boxed int of {BoxedIntBytes} B each) cached through the in-memory store; bytes retained per entry minus the boxed result. Target: ≤ 256 B.")
            .AppendLine()
            .AppendLine("| Entries | Bytes per entry (beyond the result) | Populate time |")
            .AppendLine("|--------:|------------------------------------:|--------------:|");
        foreach (var (n, perEntry, seconds) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {n:N0} | {perEntry:F0} B | {seconds:F1} s |");
        }

        Directory.CreateDirectory(results);
        var path = Path.Combine(results, "memory.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine("Wrote " + path);
    }

    private static (int N, double PerEntry, double Seconds) Measure(int n)
    {
        using var cache = new QueryCache(new QueryCacheOptions { SizeLimit = 4L * n, DefaultTimeToLive = TimeSpan.FromHours(1) });
        var source = new EmptyQueryable<Photo>().AsCacheBot(cache);

        // First sights (shape analysis, scheme registration, compiled accessors) are one-time costs, not per entry.
        CorePopulation.PopulateCount(cache, source, -1_000, 1_000);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var elapsed = CorePopulation.PopulateCount(cache, source, 0, n);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        CorePopulation.RequireStored(cache, n + 1_000);
        GC.KeepAlive(cache);
        return (n, ((double)(after - before) / n) - BoxedIntBytes, elapsed.TotalSeconds);
    }
}

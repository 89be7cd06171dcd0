using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Invalidation;

/// <summary>
/// The cost of one <c>cache.NotifyUpdated(before, after)</c> (core API, LINQ-to-Objects model) as the number of cached
/// entries grows from 1k to 100k to 1M. Entries are cached <c>Where(UserId == u &amp;&amp; Status == s)</c> lists for distinct
/// values, populated in GlobalSetup through the core
/// over an <see cref="EmptyQueryable{T}"/> source (1M LINQ-to-Objects misses would take minutes of Expression.Compile). Each write moves a photo between statuses, so it must invalidate
/// the old and the new (UserId, Status) tuple plus the photo's own key. Target: flat within 1.5x from 1k to 1M.
/// </summary>
public class InvalidationScalingBenchmarks
{
    private QueryCache _cache = null!;
    private Photo _before = null!;
    private Photo _after = null!;

    [Params(1_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new QueryCache(new QueryCacheOptions { SizeLimit = 4L * Entries, DefaultTimeToLive = TimeSpan.FromHours(1) });
        var source = new EmptyQueryable<Photo>().AsCacheBot(_cache);
        var elapsed = CorePopulation.PopulateWhere(_cache, source, Entries);
        CorePopulation.RequireStored(_cache, Entries);
        Console.WriteLine($"// populated {Entries:N0} entries in {elapsed.TotalSeconds:F1} s");
        _before = PhotoData.CreatePhoto(42);
        _after = _before.Clone();
        _after.Status = (_before.Status + 1) % PhotoData.StatusCount;
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark]
    public void NotifyUpdated()
    {
        _cache.NotifyUpdated(_before, _after);
        (_before, _after) = (_after, _before);
    }
}

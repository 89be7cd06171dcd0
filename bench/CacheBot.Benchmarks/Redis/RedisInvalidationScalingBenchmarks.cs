using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Redis;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// <see cref="Invalidation.InvalidationScalingBenchmarks"/> with a Redis coordinator: one <c>NotifyUpdated</c> (announce,
/// publish, apply) as the number of cached entries grows from 1k to 1M. Redis holds nothing per entry, so the cost must
/// stay flat.
/// </summary>
public class RedisInvalidationScalingBenchmarks
{
    private QueryCache _cache = null!;
    private Photo _before = null!;
    private Photo _after = null!;

    [Params(1_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new QueryCache(new QueryCacheOptions { SizeLimit = 4L * Entries, DefaultTimeToLive = TimeSpan.FromHours(1) }
            .UseRedis(BenchRedis.Configuration, r => { r.KeyPrefix = BenchRedis.NewPrefix("scaling"); r.MaxStaleness = TimeSpan.FromMinutes(10); }));
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

using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Concurrency;

/// <summary>
/// Hit throughput under contention: 1, 2 and 8 threads hammer 16 hot cached keys (primary-key gets through the core
/// over LINQ-to-Objects, so no database time is mixed in). Reported per hit: with more threads than cores the time
/// per hit may not fall, but it must not collapse (no lock convoy, no shared-counter ping-pong).
/// </summary>
public class ConcurrencyBenchmarks
{
    private const int HitsPerInvoke = 16_384;
    private const int HotKeys = 16;

    private QueryCache _cache = null!;
    private IQueryable<Photo> _photos = null!;

    [Params(1, 2, 8)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Let the pool run 8 workers at once without its slow thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        _cache = new QueryCache(new QueryCacheOptions());
        _photos = PhotoData.Photos(1_000).AsQueryable().AsCacheBot(_cache);
        for (var id = 1; id <= HotKeys; id++)
        {
            Get(id);
        }

        var hits = _cache.Statistics.Hits;
        Get(1);
        if (_cache.Statistics.Hits != hits + 1)
        {
            throw new InvalidOperationException("ConcurrencyBenchmarks setup: the hot keys are not hits.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public void Hits()
    {
        var threads = Threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var count = HitsPerInvoke / threads;
            for (var i = 0; i < count; i++)
            {
                Get(((t * 7) + i) % HotKeys + 1);
            }
        });
    }

    private Photo Get(int id) => _photos.First(p => p.Id == id);
}

using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Diagnostics;

/// <summary>
/// Per-shape statistics under contention: 1 and 2 threads hit one hot query shape (16 hot keys, all counted into the same
/// shape's statistics), with statistics off and on. The shape's counter is striped per processor, so the time per hit must
/// not grow with threads more than it does without statistics.
/// </summary>
public class ObservabilityConcurrencyBenchmarks
{
    private const int HitsPerInvoke = 16_384;
    private const int HotKeys = 16;

    private QueryCache _cache = null!;
    private IQueryable<Photo> _photos = null!;

    [Params(false, true)]
    public bool Statistics { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), io);
        _cache = new QueryCache(new QueryCacheOptions { TrackShapeStatistics = Statistics });
        _photos = PhotoData.Photos(1_000).AsQueryable().AsCacheBot(_cache);
        for (var id = 1; id <= HotKeys; id++)
        {
            Get(id);
        }

        var hits = _cache.Statistics.Hits;
        Get(1);
        if (_cache.Statistics.Hits != hits + 1 || (_cache.Statistics.TopShapes().Count == 1) != Statistics)
        {
            throw new InvalidOperationException("ObservabilityConcurrencyBenchmarks setup: not hits, or statistics not as asked.");
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

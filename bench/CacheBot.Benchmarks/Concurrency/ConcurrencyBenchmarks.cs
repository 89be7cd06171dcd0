using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Concurrency;

/// <summary>
/// Hit throughput under contention: 1, 2 and 8 threads hammer 16 hot cached keys (primary-key gets through the core
/// over LINQ-to-Objects, so no database time is mixed in). Reported per hit: with more threads than cores the time
/// per hit may not fall, but it must not collapse (no lock convoy, no shared-counter ping-pong). <see cref="CompiledHits"/>
/// does the same with compiled cached queries over in-memory SQLite (one connection per thread): a hit that builds no
/// expression allocates only its copy, so it shows how CacheBot's own part scales without the floor's allocations.
/// <see cref="Floor"/> is the same call on a provider that does nothing (<see cref="EmptyQueryable{T}"/>): building the
/// expression and System.Linq's <c>First</c>, no CacheBot at all; if it does not scale either, what holds <see cref="Hits"/>
/// back is the allocation rate every <see cref="IQueryable{T}"/> call has, not a shared structure of CacheBot's.
/// </summary>
public class ConcurrencyBenchmarks
{
    private const int HitsPerInvoke = 16_384;
    private const int HotKeys = 16;

    private static readonly Func<DataConnection, int, Photo?> CompiledGet =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private QueryCache _cache = null!;
    private IQueryable<Photo> _photos = null!;
    private readonly EmptyQueryable<Photo> _empty = new();
    private PhotoDatabase _database = null!;
    private QueryCache _compiledCache = null!;
    private DataConnection[] _connections = null!;

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

        _database = new PhotoDatabase();
        _compiledCache = new QueryCache(new QueryCacheOptions());
        _connections = new DataConnection[8];
        for (var t = 0; t < _connections.Length; t++)
        {
            _connections[t] = new DataConnection(_database.CacheBotOptions(_compiledCache));
            for (var id = 1; id <= HotKeys; id++)
            {
                _ = CompiledGet(_connections[t], id);
            }
        }

        hits = _compiledCache.Statistics.Hits;
        _ = CompiledGet(_connections[0], 1);
        if (_compiledCache.Statistics.Hits != hits + 1)
        {
            throw new InvalidOperationException("ConcurrencyBenchmarks setup: the compiled hot keys are not hits.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _compiledCache.Dispose();
        _database.Dispose();
        _cache.Dispose();
    }

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

    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public void Floor()
    {
        var threads = Threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var count = HitsPerInvoke / threads;
            for (var i = 0; i < count; i++)
            {
                var id = ((t * 7) + i) % HotKeys + 1;
                _ = _empty.First(p => p.Id == id);
            }
        });
    }

    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public void CompiledHits()
    {
        var threads = Threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var db = _connections[t];
            var count = HitsPerInvoke / threads;
            for (var i = 0; i < count; i++)
            {
                _ = CompiledGet(db, ((t * 7) + i) % HotKeys + 1);
            }
        });
    }

    private Photo Get(int id) => _photos.First(p => p.Id == id);
}

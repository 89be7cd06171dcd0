using BenchmarkDotNet.Attributes;
using CacheBot.EntityFrameworkCore;
using CacheBot.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.Benchmarks.EntityFrameworkCore;

/// <summary>
/// The write overhead of CacheBot on <c>SaveChanges</c> (in-memory SQLite): update one tracked photo, with and without
/// CacheBot, while a cached query depends on the photo's columns (so row images are built).
/// Run: <c>dotnet run -c Release --project bench/CacheBot.Benchmarks -- --filter '*EfWrite*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EfWriteBenchmarks
{
    private SqliteConnection _keepAlive = null!;
    private QueryCache _cache = null!;
    private EfBenchContext _plain = null!;
    private EfBenchContext _cached = null!;
    private EfPhoto _plainPhoto = null!;
    private EfPhoto _cachedPhoto = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        var cs = "Data Source=efwrite;Mode=Memory;Cache=Shared";
        _keepAlive = new SqliteConnection(cs);
        _keepAlive.Open();
        _cache = new QueryCache(new QueryCacheOptions());
        _plain = new EfBenchContext(new DbContextOptionsBuilder<EfBenchContext>().UseSqlite(cs).Options);
        _cached = new EfBenchContext(new DbContextOptionsBuilder<EfBenchContext>().UseSqlite(cs).UseCacheBot(_cache).Options);
        _plain.Database.EnsureCreated();
        _plain.Photos.AddRange(new EfPhoto { Id = 1, UserId = 1 }, new EfPhoto { Id = 2, UserId = 2 });
        _plain.SaveChanges();
        _plainPhoto = _plain.Photos.Single(p => p.Id == 1);
        _cachedPhoto = _cached.Photos.Single(p => p.Id == 2);
        _ = _cached.Photos.AsCacheBot().Cache().AsNoTracking().Count(p => p.UserId == 3 && p.Status == 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _cached.Dispose();
        _cache.Dispose();
        _keepAlive.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int SaveChangesPlain()
    {
        _plainPhoto.Status = ++_n % 3;
        _plainPhoto.Title = "t" + _n;
        return _plain.SaveChanges();
    }

    [Benchmark]
    public int SaveChangesCacheBot()
    {
        _cachedPhoto.Status = ++_n % 3;
        _cachedPhoto.Title = "t" + _n;
        return _cached.SaveChanges();
    }
}

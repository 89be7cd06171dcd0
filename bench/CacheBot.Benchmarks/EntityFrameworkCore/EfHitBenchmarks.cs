using BenchmarkDotNet.Attributes;
using CacheBot.EntityFrameworkCore;
using CacheBot.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.Benchmarks.EntityFrameworkCore;

/// <summary>
/// What a CacheBot hit saves on EF Core (in-memory SQLite, 10,000 photos): a primary-key get and a 33-row list, uncached
/// (tracking and no-tracking), through <c>EF.CompileQuery</c>, through the SQL-text cache interceptor model, and as a
/// CacheBot hit. Run: <c>dotnet run -c Release --project bench/CacheBot.Benchmarks -- --filter '*EfHit*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EfHitBenchmarks
{
    private static readonly Func<EfBenchContext, int, EfPhoto?> CompiledGet =
        EF.CompileQuery((EfBenchContext db, int id) => db.Photos.AsNoTracking().FirstOrDefault(p => p.Id == id));

    private static readonly Func<EfBenchContext, int, int, IEnumerable<EfPhoto>> CompiledList =
        EF.CompileQuery((EfBenchContext db, int user, int status) => db.Photos.AsNoTracking().Where(p => p.UserId == user && p.Status == status));

    private SqliteConnection _keepAlive = null!;
    private QueryCache _cache = null!;
    private EfBenchContext _plain = null!;
    private EfBenchContext _cached = null!;
    private EfBenchContext _sqlText = null!;
    private int _id = 7;
    private int _user = 5;
    private int _status = 2;

    [GlobalSetup]
    public void Setup()
    {
        var cs = "Data Source=efbench;Mode=Memory;Cache=Shared";
        _keepAlive = new SqliteConnection(cs);
        _keepAlive.Open();
        _cache = new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 });
        _plain = new EfBenchContext(new DbContextOptionsBuilder<EfBenchContext>().UseSqlite(cs).Options);
        _cached = new EfBenchContext(new DbContextOptionsBuilder<EfBenchContext>().UseSqlite(cs).UseCacheBot(_cache).Options);
        _sqlText = new EfBenchContext(new DbContextOptionsBuilder<EfBenchContext>().UseSqlite(cs).AddInterceptors(new SqlTextCacheInterceptor()).Options);
        _plain.Database.EnsureCreated();
        for (var i = 1; i <= 10_000; i++)
        {
            _plain.Photos.Add(new EfPhoto { Id = i, UserId = i % 100, Status = i % 3, Title = "photo " + i });
        }

        _plain.SaveChanges();
        _plain.ChangeTracker.Clear();
        _ = CacheBotGet();
        _ = CacheBotList();
        _ = SqlTextGet();
        _ = SqlTextList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _cached.Dispose();
        _sqlText.Dispose();
        _cache.Dispose();
        _keepAlive.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Get")]
    public EfPhoto? UncachedTrackingGet()
    {
        var photo = _plain.Photos.FirstOrDefault(p => p.Id == _id);
        _plain.ChangeTracker.Clear();
        return photo;
    }

    [Benchmark, BenchmarkCategory("Get")]
    public EfPhoto? UncachedNoTrackingGet() => _plain.Photos.AsNoTracking().FirstOrDefault(p => p.Id == _id);

    [Benchmark, BenchmarkCategory("Get")]
    public EfPhoto? CompiledQueryGet() => CompiledGet(_plain, _id);

    [Benchmark, BenchmarkCategory("Get")]
    public EfPhoto? SqlTextGet() => _sqlText.Photos.AsNoTracking().FirstOrDefault(p => p.Id == _id);

    [Benchmark, BenchmarkCategory("Get")]
    public EfPhoto? CacheBotGet() => _cached.Photos.AsCacheBot().AsNoTracking().FirstOrDefault(p => p.Id == _id);

    [Benchmark(Baseline = true), BenchmarkCategory("List")]
    public List<EfPhoto> UncachedTrackingList()
    {
        var list = _plain.Photos.Where(p => p.UserId == _user && p.Status == _status).ToList();
        _plain.ChangeTracker.Clear();
        return list;
    }

    [Benchmark, BenchmarkCategory("List")]
    public List<EfPhoto> UncachedNoTrackingList() => _plain.Photos.AsNoTracking().Where(p => p.UserId == _user && p.Status == _status).ToList();

    [Benchmark, BenchmarkCategory("List")]
    public List<EfPhoto> CompiledQueryList() => CompiledList(_plain, _user, _status).ToList();

    [Benchmark, BenchmarkCategory("List")]
    public List<EfPhoto> SqlTextList() => _sqlText.Photos.AsNoTracking().Where(p => p.UserId == _user && p.Status == _status).ToList();

    [Benchmark, BenchmarkCategory("List")]
    public List<EfPhoto> CacheBotList() => _cached.Photos.AsCacheBot().Cache().AsNoTracking().Where(p => p.UserId == _user && p.Status == _status).ToList();
}

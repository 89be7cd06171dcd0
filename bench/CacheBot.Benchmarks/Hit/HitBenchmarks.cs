using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Baselines;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// Hit latency on in-memory SQLite and, when configured, PostgreSQL on loopback (10k photos): a primary-key get and a ~33-row filtered list, each uncached
/// through linq2db (baseline), through a linq2db <c>CompiledQuery</c>, through the SQL-text cache baseline (hit),
/// and through CacheBot (hit). Queries capture locals in lambdas as application code does, so every variant pays for
/// building its expression tree; <c>*_LambdaOnly</c> shows that share. A CacheBot hit returns a copy (the entity, or
/// the list and its entities): that copy is the only allocation CacheBot itself should add.
/// <c>*_Floor</c> is what any <see cref="IQueryable{T}"/> API pays for the same call (linq2db's <c>GetTable&lt;T&gt;()</c>, building
/// the expression, System.Linq's operator on a provider that does nothing: <see cref="EmptyQueryable{T}"/>), so CacheBot's own
/// share of a hit is <c>*_CacheBotHit</c> minus <c>*_Floor</c>, read off one report (issue 10 §2: at most 400 ns for the PK get).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class HitBenchmarks
{
    private const string PkGet = "PkGet", List = "List", Window = "Window";

    private static readonly Func<DataConnection, int, Photo> CompiledPk =
        CompiledQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    private static readonly Func<DataConnection, int, int, IQueryable<Photo>> CompiledList =
        CompiledQuery.Compile((DataConnection db, int u, int s) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s));

    private IBenchDatabase _database = null!;
    private QueryCache _cache = null!;
    private DataConnection _raw = null!;
    private DataConnection _cached = null!;
    private SqlTextCache _sqlTextCache = null!;
    private readonly EmptyQueryable<Photo> _empty = new();
    private int _id = 4242;
    private int _userId = 42;
    private int _status = 1;

    /// <summary>Gets the databases: SQLite always, PostgreSQL when <c>CACHEBOT_BENCH_PG</c> is set (see <see cref="BenchDatabases"/>).</summary>
    public static IEnumerable<string> Databases => BenchDatabases.Available;

    [ParamsSource(nameof(Databases))]
    public string Database { get; set; } = BenchDatabases.Sqlite;

    [GlobalSetup]
    public void Setup()
    {
        _database = BenchDatabases.Create(Database);
        _cache = new QueryCache(new QueryCacheOptions());
        _raw = new DataConnection(_database.RawOptions);
        _cached = new DataConnection(_database.CacheBotOptions(_cache));
        _sqlTextCache = new SqlTextCache();

        // Warm every path once, then prove the measured calls are hits of the right rows.
        var expected = PkGet_Linq2Db();
        var rows = List_Linq2Db().Count;
        PkGet_CacheBotHit();
        List_CacheBotHit();
        PkGet_SqlTextCacheHit();
        List_SqlTextCacheHit();
        Window_CacheBotHit();
        Check(Window_CacheBotHit().Count == 20, "expected a window of 20 rows");
        var hits = _cache.Statistics.Hits;
        Check(PkGet_CacheBotHit().Title == expected.Title && List_CacheBotHit().Count == rows, "CacheBot returned other rows");
        Check(_cache.Statistics.Hits == hits + 2, $"CacheBot did not hit (hits {_cache.Statistics.Hits}, misses {_cache.Statistics.Misses}, bypasses {_cache.Statistics.Bypasses})");
        var sqlHits = _sqlTextCache.Hits;
        Check(PkGet_SqlTextCacheHit().Title == expected.Title && List_SqlTextCacheHit().Count == rows, "SQL-text cache returned other rows");
        Check(_sqlTextCache.Hits == sqlHits + 2, "SQL-text cache did not hit");
        Check(rows is >= 25 and <= 40, $"expected about 30 rows per (UserId, Status), got {rows}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.Dispose();
        _raw.Dispose();
        _cache.Dispose();
        _database.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(PkGet)]
    public Photo PkGet_Linq2Db()
    {
        var id = _id;
        return _raw.GetTable<Photo>().First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_CompiledQuery() => CompiledPk(_raw, _id);

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_SqlTextCacheHit()
    {
        var id = _id;
        return _sqlTextCache.First(_raw.GetTable<Photo>().Where(p => p.Id == id), "Photo");
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_CacheBotHit()
    {
        var id = _id;
        return Cached.Photos(_cached).First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo? PkGet_Floor()
    {
        var id = _id;
        _ = _raw.GetTable<Photo>();
        return _empty.First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Expression<Func<Photo, bool>> PkGet_LambdaOnly()
    {
        var id = _id;
        return p => p.Id == id;
    }

    [Benchmark(Baseline = true), BenchmarkCategory(List)]
    public List<Photo> List_Linq2Db()
    {
        var u = _userId;
        var s = _status;
        return _raw.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_CompiledQuery() => CompiledList(_raw, _userId, _status).ToList();

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_SqlTextCacheHit()
    {
        var u = _userId;
        var s = _status;
        return _sqlTextCache.ToList(_raw.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s), "Photo");
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_CacheBotHit()
    {
        var u = _userId;
        var s = _status;
        return Cached.Photos(_cached).Cache().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_Floor()
    {
        var u = _userId;
        var s = _status;
        _ = _raw.GetTable<Photo>();
        return _empty.Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public Expression<Func<Photo, bool>> List_LambdaOnly()
    {
        var u = _userId;
        var s = _status;
        return p => p.UserId == u && p.Status == s;
    }

    /// <summary>The latest 20 photos of a user: a window whose entry depends on its 20 rows' keys (removals) and the filter (arrivals).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Window)]
    public List<Photo> Window_Linq2Db()
    {
        var u = _userId;
        return _raw.GetTable<Photo>().Where(p => p.UserId == u).OrderByDescending(p => p.Id).Take(20).ToList();
    }

    [Benchmark, BenchmarkCategory(Window)]
    public List<Photo> Window_CacheBotHit()
    {
        var u = _userId;
        return Cached.Photos(_cached).Cache().Where(p => p.UserId == u).OrderByDescending(p => p.Id).Take(20).ToList();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("HitBenchmarks setup: " + message);
        }
    }
}

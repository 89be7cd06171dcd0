using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// Miss cost: the PK get and the ~33-row list of <see cref="HitBenchmarks"/>, uncached through linq2db (baseline) and through a
/// CacheBot cache whose store keeps nothing (<see cref="NothingKeptStore"/>), so every call is a full miss: key, probe, shape
/// key, analysis, scheme registration, stamps, the inner linq2db query, the copy for the store and the store call. The ids
/// cycle over 64 rows so neither side serves one row from a warm page only. Target (issue 10 §2): a miss at most 1.1x the
/// uncached query.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class MissBenchmarks
{
    private const string PkGet = "PkGet", List = "List";

    private IBenchDatabase _database = null!;
    private QueryCache _cache = null!;
    private DataConnection _raw = null!;
    private DataConnection _cached = null!;
    private int _next;

    /// <summary>Gets the databases: SQLite always, PostgreSQL when <c>CACHEBOT_BENCH_PG</c> is set (see <see cref="BenchDatabases"/>).</summary>
    public static IEnumerable<string> Databases => BenchDatabases.Available;

    [ParamsSource(nameof(Databases))]
    public string Database { get; set; } = BenchDatabases.Sqlite;

    [GlobalSetup]
    public void Setup()
    {
        _database = BenchDatabases.Create(Database);
        _cache = new QueryCache(new QueryCacheOptions { ResultStore = new NothingKeptStore() });
        _raw = new DataConnection(_database.RawOptions);
        _cached = new DataConnection(_database.CacheBotOptions(_cache));

        var expected = PkGet_Linq2Db();
        var rows = List_Linq2Db().Count;
        _next = 0;
        var misses = _cache.Statistics.Misses;
        Check(PkGet_CacheBotMiss().Title == expected.Title && List_CacheBotMiss().Count == rows, "CacheBot returned other rows");
        Check(_cache.Statistics.Misses == misses + 2 && _cache.Statistics.Hits == 0,
            $"CacheBot did not miss (hits {_cache.Statistics.Hits}, misses {_cache.Statistics.Misses}, bypasses {_cache.Statistics.Bypasses})");
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
        var id = NextId();
        return _raw.GetTable<Photo>().First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_CacheBotMiss()
    {
        var id = NextId();
        return Cached.Photos(_cached).First(p => p.Id == id);
    }

    [Benchmark(Baseline = true), BenchmarkCategory(List)]
    public List<Photo> List_Linq2Db()
    {
        var u = NextUser();
        var s = 1;
        return _raw.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_CacheBotMiss()
    {
        var u = NextUser();
        var s = 1;
        return Cached.Photos(_cached).Cache().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    private int NextId() => 4200 + (_next++ & 63);

    private int NextUser() => 10 + (_next++ & 63);

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("MissBenchmarks setup: " + message);
        }
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// Compiled cached queries (<see cref="CacheBotQuery"/>) against their anchors, on in-memory SQLite and, when configured,
/// PostgreSQL (10k photos): a primary-key get and a ~33-row list.
/// <list type="bullet">
/// <item>Hit: <c>CacheBotQuery.Compile</c> (target at most 300 ns for the get; the copy is its only allocation) vs an
/// <c>AsCacheBot()</c> hit vs linq2db's <c>CompiledQuery</c> (uncached) vs plain linq2db (uncached, baseline).</item>
/// <item>Miss: <c>CacheBotQuery.Compile</c> after <see cref="QueryCache.InvalidateAll"/> (every call misses: analysis, stamps,
/// the inner query through linq2db's <c>CompiledQuery</c> of the body, the store) vs linq2db's <c>CompiledQuery</c>
/// (baseline; target at most 1.1x). <c>InvalidateAll</c> itself is one counter increment.</item>
/// </list>
/// Command: <c>dotnet run -c Release --project bench/CacheBot.Benchmarks -- --filter '*CompiledHitBenchmarks*'</c> (with
/// <c>CACHEBOT_BENCH_PG</c> set for PostgreSQL). A best-of-rounds CPU comparison of the misses on a busy host:
/// <c>--compiled-miss-profile [postgres]</c> (<see cref="CompiledMissProfileMode"/>).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class CompiledHitBenchmarks
{
    private const string PkGetHit = "PkGetHit", PkGetMiss = "PkGetMiss", ListHit = "ListHit", ListMiss = "ListMiss";

    internal static readonly Func<DataConnection, int, Photo> Linq2DbPk =
        CompiledQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    internal static readonly Func<DataConnection, int, int, IQueryable<Photo>> Linq2DbList =
        CompiledQuery.Compile((DataConnection db, int u, int s) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s));

    internal static readonly Func<DataConnection, int, Photo> CacheBotPk =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    internal static readonly Func<DataConnection, int, int, List<Photo>> CacheBotList =
        CacheBotQuery.Compile((DataConnection db, int u, int s) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s));

    private IBenchDatabase _database = null!;
    private QueryCache _cache = null!;
    private DataConnection _raw = null!;
    private DataConnection _cached = null!;
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

        // Warm every path, then prove the hits are hits (no miss, no bypass) of the right rows and the misses are misses.
        var expected = PkGet_Linq2Db();
        var rows = Linq2DbList(_raw, _userId, _status).ToList().Count;
        PkGet_CompiledCacheBotHit();
        PkGet_AsCacheBotHit();
        List_CompiledCacheBotHit();
        var (hits, misses) = (_cache.Statistics.Hits, _cache.Statistics.Misses);
        Check(PkGet_CompiledCacheBotHit().Title == expected.Title && PkGet_AsCacheBotHit().Title == expected.Title, "CacheBot returned another photo");
        Check(List_CompiledCacheBotHit().Count == rows, "the compiled list returned other rows");
        Check(_cache.Statistics.Hits == hits + 3 && _cache.Statistics.Misses == misses, $"CacheBot did not hit (hits {_cache.Statistics.Hits}, misses {_cache.Statistics.Misses}, bypasses {_cache.Statistics.Bypasses})");
        misses = _cache.Statistics.Misses;
        Check(PkGet_CompiledCacheBotMiss().Title == expected.Title && List_CompiledCacheBotMiss().Count == rows, "the compiled miss returned other rows");
        Check(_cache.Statistics.Misses == misses + 2, "the miss benchmarks did not miss");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.Dispose();
        _raw.Dispose();
        _cache.Dispose();
        _database.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(PkGetHit)]
    public Photo PkGet_Linq2Db()
    {
        var id = _id;
        return _raw.GetTable<Photo>().First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGetHit)]
    public Photo PkGet_Linq2DbCompiledQuery() => Linq2DbPk(_raw, _id);

    [Benchmark, BenchmarkCategory(PkGetHit)]
    public Photo PkGet_AsCacheBotHit()
    {
        var id = _id;
        return Cached.Photos(_cached).First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGetHit)]
    public Photo PkGet_CompiledCacheBotHit() => CacheBotPk(_cached, _id);

    [Benchmark(Baseline = true), BenchmarkCategory(PkGetMiss)]
    public Photo PkGetMiss_Linq2DbCompiledQuery() => Linq2DbPk(_raw, _id);

    [Benchmark, BenchmarkCategory(PkGetMiss)]
    public Photo PkGet_CompiledCacheBotMiss()
    {
        _cache.InvalidateAll();
        return CacheBotPk(_cached, _id);
    }

    [Benchmark(Baseline = true), BenchmarkCategory(ListHit)]
    public List<Photo> List_Linq2DbCompiledQuery() => Linq2DbList(_raw, _userId, _status).ToList();

    [Benchmark, BenchmarkCategory(ListHit)]
    public List<Photo> List_CompiledCacheBotHit() => CacheBotList(_cached, _userId, _status);

    [Benchmark(Baseline = true), BenchmarkCategory(ListMiss)]
    public List<Photo> ListMiss_Linq2DbCompiledQuery() => Linq2DbList(_raw, _userId, _status).ToList();

    [Benchmark, BenchmarkCategory(ListMiss)]
    public List<Photo> List_CompiledCacheBotMiss()
    {
        _cache.InvalidateAll();
        return CacheBotList(_cached, _userId, _status);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("CompiledHitBenchmarks setup: " + message);
        }
    }
}

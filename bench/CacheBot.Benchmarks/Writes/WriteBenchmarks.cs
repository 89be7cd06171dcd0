using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Writes;

/// <summary>
/// Entity insert, update and delete on in-memory SQLite (and PostgreSQL when <c>CACHEBOT_BENCH_PG</c> is set): raw
/// linq2db (baseline) against the same database through a <c>UseCacheBot</c> connection. Cached queries on (UserId, Status) and on Id are registered first, so CacheBot's
/// write path reads row images: <c>RETURNING *</c> for all three and a pre-image <c>SELECT</c> for update, atomically with
/// the write (SQLite <c>BEGIN IMMEDIATE</c>, PostgreSQL <c>FOR UPDATE</c>). Targets: insert ≤ 1.3x, update ≤ 1.6x and
/// delete ≤ 2.0x of raw. Each iteration runs a fixed 500 writes; inserted rows are removed
/// and rows to delete are created between iterations (not measured), so the table stays at 10k rows.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[InvocationCount(Batch)]
public class WriteBenchmarks
{
    private const int Batch = 500;
    private const int InsertBase = 1_000_000, DeleteBase = 2_000_000;

    private IBenchDatabase _database = null!;
    private QueryCache _cache = null!;
    private DataConnection _raw = null!;
    private DataConnection _cached = null!;
    private DataConnection _maintenance = null!;
    private Photo[] _rows = null!;
    private Photo[] _existing = null!;
    private int _next;

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
        _maintenance = new DataConnection(_database.RawOptions);
        RegisterCachedQueries(_cached, _cache);
        _rows = new Photo[Batch];
        _existing = _raw.GetTable<Photo>().Where(p => p.Id <= Batch * 4).OrderBy(p => p.Id).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _maintenance.Dispose();
        _cached.Dispose();
        _raw.Dispose();
        _cache.Dispose();
        _database.Dispose();
    }

    [IterationSetup(Targets = [nameof(Insert_Linq2Db), nameof(Insert_CacheBot)])]
    public void BeforeInserts()
    {
        for (var i = 0; i < Batch; i++)
        {
            _rows[i] = PhotoData.CreatePhoto(InsertBase + i);
        }

        _next = 0;
    }

    [IterationCleanup(Targets = [nameof(Insert_Linq2Db), nameof(Insert_CacheBot)])]
    public void AfterInserts() => _maintenance.GetTable<Photo>().Where(p => p.Id >= InsertBase).Delete();

    [IterationSetup(Targets = [nameof(Delete_Linq2Db), nameof(Delete_CacheBot)])]
    public void BeforeDeletes()
    {
        // BenchmarkDotNet also runs iteration setup before iterations that do not delete (overhead, pilot): start clean.
        _maintenance.GetTable<Photo>().Where(p => p.Id >= DeleteBase).Delete();
        for (var i = 0; i < Batch; i++)
        {
            _rows[i] = PhotoData.CreatePhoto(DeleteBase + i);
        }

        _maintenance.BulkCopy(_rows);
        _next = 0;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Insert")]
    public int Insert_Linq2Db() => _raw.Insert(_rows[_next++]);

    [Benchmark, BenchmarkCategory("Insert")]
    public int Insert_CacheBot() => _cached.Insert(_rows[_next++]);

    [Benchmark(Baseline = true), BenchmarkCategory("Update")]
    public int Update_Linq2Db() => _raw.Update(NextUpdate());

    [Benchmark, BenchmarkCategory("Update")]
    public int Update_CacheBot() => _cached.Update(NextUpdate());

    [Benchmark(Baseline = true), BenchmarkCategory("Delete")]
    public int Delete_Linq2Db() => _raw.Delete(_rows[_next++]);

    [Benchmark, BenchmarkCategory("Delete")]
    public int Delete_CacheBot() => _cached.Delete(_rows[_next++]);

    private Photo NextUpdate()
    {
        // A counter-style update of an existing row (the filtered columns stay as they are).
        var photo = _existing[_next++ % _existing.Length];
        photo.Views++;
        return photo;
    }

    /// <summary>Cached queries on (UserId, Status) and on Id: writes to Photo must now read row images.</summary>
    internal static void RegisterCachedQueries(DataConnection cached, QueryCache cache)
    {
        for (var u = 1; u <= 10; u++)
        {
            for (var s = 0; s < PhotoData.StatusCount; s++)
            {
                _ = Cached.Photos(cached).Cache().Where(p => p.UserId == u && p.Status == s).ToList();
            }
        }

        for (var id = 1; id <= 10; id++)
        {
            _ = Cached.Photos(cached).First(p => p.Id == id);
        }

        if (cache.Statistics.Stores < 40)
        {
            throw new InvalidOperationException($"Write benchmarks setup: only {cache.Statistics.Stores} queries were cached.");
        }
    }
}

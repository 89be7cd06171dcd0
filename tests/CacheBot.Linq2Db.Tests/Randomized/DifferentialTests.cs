using System.Text.Json;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

using CacheBot.Linq2Db.Tests.Infrastructure;

namespace CacheBot.Linq2Db.Tests.Randomized;

public sealed class SqliteDifferentialTests : DifferentialTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("diff");
}

public sealed class PostgresDifferentialTests : DifferentialTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbd");
}

/// <summary>
/// The differential test of issue 4: random writes through every linq2db write path (entity CRUD, LINQ DML, raw SQL,
/// bulk copy, transactions committed and rolled back) interleaved with random cached queries of 20 shapes; every cached
/// answer is compared with the same query run uncached on another connection. Any difference is a stale read.
/// Operations: CACHEBOT_DIFF_OPS (default 20,000); seed: CACHEBOT_DIFF_SEED (default random, printed).
/// </summary>
public abstract class DifferentialTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles };
    private static readonly string[] Names = ["ann", "bob", "cid", "dee", "eve", "fay"];
    private static readonly string[] TagNames = ["sun", "sea", "sky", "dog", "cat"];

    private IsolatedDatabase? _database;
    private readonly RecordingStore _store = new();
    private readonly QueryCache _cache;
    private readonly OracleTally _oracle;
    private Random _random = new(0);
    private int _nextPhotoId;
    private int _reads;
    private int _writes;

    protected DifferentialTests()
    {
        _cache = new QueryCache(new QueryCacheOptions { ResultStore = _store });
        _oracle = new OracleTally(IsValid);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _store.Dispose();
        _database?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract IsolatedDatabase CreateDatabase();

    private bool IsValid(CachedQueryResult entry)
    {
        if (entry.Generation != _cache.Stamps.Generation)
        {
            return false;
        }

        foreach (var key in entry.DependencyKeys)
        {
            if (_cache.Stamps.Read(key) > entry.Position)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public Task RandomWorkload_CachedAnswersAlwaysEqualUncachedAnswers() => RunWorkloadAsync(readRatio: 0.85, "15 % writes");

    /// <summary>
    /// 35 % writes over every write kind: besides checking every answer, reports CacheBot's hit ratio next to an exact
    /// invalidator's (the oracle) on the same reads, their quotient, and which write kinds cost hits the oracle keeps.
    /// </summary>
    [Fact]
    public Task WriteHeavyWorkload_CachedAnswersAlwaysEqualUncachedAnswers_ReportsOracleRatio() => RunWorkloadAsync(readRatio: 0.65, "35 % writes");

    private async Task RunWorkloadAsync(double readRatio, string workload)
    {
        var ops = int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_OPS"), out var o) ? o : 20_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_SEED"), out var s) ? s : Random.Shared.Next();
        _random = new Random(seed);
        _database = CreateDatabase();
        var plainOptions = _database.Options;
        using var plain = new DataConnection(plainOptions);
        using var cached = new DataConnection(plainOptions.UseCacheBot(_cache));
        Seed(plain);
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < ops; i++)
        {
            if (_random.NextDouble() < readRatio)
            {
                _reads++;
                var shape = _random.Next(Shapes.Count);
                var p = NextParameters();
                var hitsBefore = _cache.Statistics.Hits;
                _store.LastStored = null;
                var fromCache = await Shapes[shape].Run(cached, true, p, ct);
                var hit = _cache.Statistics.Hits > hitsBefore;
                var identity = shape + "|" + Shapes[shape].Key(p);
                var fromDatabase = await Shapes[shape].Run(plain, false, p, ct);
                if (fromCache != fromDatabase)
                {
                    Assert.Fail($"Stale read: seed {seed}, operation {i}, shape {shape}, parameters {p}.\ncached:   {fromCache}\ndatabase: {fromDatabase}");
                }

                _oracle.Read(identity, fromDatabase, hit);
                if (_store.LastStored is { } stored)
                {
                    _oracle.Stored(identity, stored);
                }
            }
            else
            {
                _writes++;
                await WriteAsync(cached, plain, ct);
            }
        }

        var stats = _cache.Statistics;
        var report = $"{GetType().Name} ({workload}): seed {seed}, {ops} operations ({_reads} reads, {_writes} writes), 0 stale reads, " +
            $"hits {stats.Hits}, misses {stats.Misses}, bypasses {stats.Bypasses}, hit ratio {stats.HitRatio:P1}, invalidations {stats.Invalidations}\n" +
            _oracle.Report();
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);
        Assert.True(stats.Hits > 0, "the workload never hit the cache: " + report);
    }

    /// <summary>A read shape: how to run it, and which parameters identify the read (the oracle's notion of "the same read").</summary>
    private sealed record DiffShape(Func<DataConnection, bool, P, CancellationToken, Task<string>> Run, Func<P, string> Key);

    private readonly record struct P(int User, int Status, int Id, int Level, string Name, string Tag, int? Album, int[] Users, bool Async);

    private P NextParameters()
    {
        // Squared draws skew towards small values: a few hot keys, a long tail.
        var hot = (int)(Math.Pow(_random.NextDouble(), 3) * 12);
        return new P(
            hot,
            _random.Next(4),
            1 + (int)(Math.Pow(_random.NextDouble(), 3) * _nextPhotoId),
            _random.Next(3),
            Names[_random.Next(Names.Length)],
            TagNames[_random.Next(TagNames.Length)],
            _random.Next(4) == 0 ? null : _random.Next(3),
            [_random.Next(12), _random.Next(12), hot],
            _random.Next(2) == 0);
    }

    private static IQueryable<T> Q<T>(DataConnection db, bool cached)
        where T : class
    {
        var table = db.GetTable<T>();
        return cached ? table.AsCacheBot().Cache() : table;
    }

    private static IQueryable<T> Get<T>(DataConnection db, bool cached)
        where T : class => cached ? db.GetTable<T>().AsCacheBot() : db.GetTable<T>();

    private static string J(object? value) => JsonSerializer.Serialize(value, Json);

    private static async Task<string> List<T>(IQueryable<T> query, bool async, CancellationToken ct) =>
        J(async ? await query.ToListAsync(ct) : query.ToList());

    private static readonly List<DiffShape> Shapes =
    [
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.UserId == p.User && x.Status == p.Status).OrderBy(x => x.Id), p.Async, ct), p => $"{p.User},{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Get<DPhoto>(db, c).FirstOrDefault(x => x.Id == p.Id))), p => $"{p.Id}"),
        new((db, c, p, ct) => Task.FromResult(J(Get<DPhoto>(db, c).Where(x => x.Id == p.Id).SingleOrDefault())), p => $"{p.Id}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => p.Users.Contains(x.UserId)).OrderBy(x => x.Id).Select(x => x.Id), p.Async, ct), p => string.Join(",", p.Users)),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.Status != p.Status && x.UserId == p.User).OrderBy(x => x.Id), p.Async, ct), p => $"{p.Status},{p.User}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.Id > p.Id && x.Id <= p.Id + 15).OrderBy(x => x.Id).Select(x => new { x.Id, x.Status }), p.Async, ct), p => $"{p.Id}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.User!.Name == p.Name).OrderBy(x => x.Id).Select(x => x.Id), p.Async, ct), p => p.Name),
        new((db, c, p, ct) => List(
            from x in Q<DPhoto>(db, c)
            join u in db.GetTable<DUser>() on x.UserId equals u.Id
            where u.Level == p.Level && x.Status == p.Status
            orderby x.Id
            select new { x.Id, u.Name },
            p.Async,
            ct), p => $"{p.Level},{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Q<DPhoto>(db, c).LoadWith(x => x.Tags).Where(x => x.UserId == p.User).OrderBy(x => x.Id).ToList()
            .Select(x => new { x.Id, x.Status, Tags = x.Tags.OrderBy(t => t.Id).Select(t => t.Name).ToList() }).ToList())), p => $"{p.User}"),
        new(async (db, c, p, ct) => J(p.Async ? await Q<DPhoto>(db, c).CountAsync(x => x.Status == p.Status, ct) : Q<DPhoto>(db, c).Count(x => x.Status == p.Status)), p => $"{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Q<DPhoto>(db, c).Any(x => x.UserId == p.User && x.Status == p.Status))), p => $"{p.User},{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Q<DPhoto>(db, c).Where(x => x.UserId == p.User).Sum(x => x.Status))), p => $"{p.User}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.Status == p.Status && x.IsPublic).OrderBy(x => x.Id).Select(x => new { x.Id, x.Title }), p.Async, ct), p => $"{p.Status}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.Tags.Any(t => t.Name == p.Tag)).OrderBy(x => x.Id).Select(x => x.Id), p.Async, ct), p => p.Tag),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.UserId == p.User || x.Status == p.Status).OrderBy(x => x.Id).Select(x => x.Id), p.Async, ct), p => $"{p.User},{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Q<DPhoto>(db, c).Where(x => x.UserId == p.User).Max(x => (int?)x.Id))), p => $"{p.User}"),
        new((db, c, p, ct) => List(Q<DUser>(db, c).Where(u => u.Photos.Count(x => x.Status == p.Status) > 1).OrderBy(u => u.Id).Select(u => u.Id), p.Async, ct), p => $"{p.Status}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.AlbumId == p.Album).OrderBy(x => x.Id).Select(x => x.Id), p.Async, ct), p => $"{p.Album}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).OrderBy(x => x.Id).Take(20).Where(x => x.Status == p.Status).Select(x => x.Id), p.Async, ct), p => $"{p.Status}"),
        new((db, c, p, ct) => Task.FromResult(J(Get<DUser>(db, c).FirstOrDefault(u => u.Id == p.User))), p => $"{p.User}"),
        new((db, c, p, ct) => List(Q<DTag>(db, c).Where(t => t.PhotoId == p.Id).OrderBy(t => t.Id).Select(t => t.Name), p.Async, ct), p => $"{p.Id}"),
        new((db, c, p, ct) => List(Q<DPhoto>(db, c).Where(x => x.User!.Level == p.Level && x.IsPublic).OrderBy(x => x.Id).Select(x => new { x.Id, x.User!.Name }), p.Async, ct), p => $"{p.Level}"),
    ];

    private void Seed(DataConnection db)
    {
        db.CreateTable<DUser>();
        db.CreateTable<DPhoto>();
        db.CreateTable<DTag>();
        for (var u = 0; u < 12; u++)
        {
            db.Insert(new DUser { Id = u, Name = Names[u % Names.Length], Level = u % 3 });
        }

        for (_nextPhotoId = 1; _nextPhotoId <= 200; _nextPhotoId++)
        {
            db.Insert(RandomPhoto(_nextPhotoId));
        }

        for (var t = 0; t < 250; t++)
        {
            db.Insert(new DTag { PhotoId = 1 + _random.Next(200), Name = TagNames[_random.Next(TagNames.Length)] });
        }
    }

    private DPhoto RandomPhoto(int id) => new()
    {
        Id = id,
        UserId = _random.Next(12),
        Status = _random.Next(4),
        Title = "t" + _random.Next(100),
        AlbumId = _random.Next(4) == 0 ? null : _random.Next(3),
        IsPublic = _random.Next(2) == 0,
    };

    private async Task WriteAsync(DataConnection db, DataConnection plain, CancellationToken ct)
    {
        var kind = _random.Next(13);
        if (kind == 12)
        {
            // A transaction of a few writes, committed or rolled back.
            var commit = _random.Next(3) != 0;
            await using var tx = await db.BeginTransactionAsync(ct);
            var kinds = new List<string>();
            for (var n = 1 + _random.Next(3); n > 0; n--)
            {
                kinds.Add(await SingleWriteAsync(db, plain, _random.Next(12), inTransaction: true, ct));
            }

            if (commit)
            {
                await tx.CommitAsync(ct);
                _oracle.Wrote("a committed transaction (" + kinds.Count + " writes)");
            }
            else
            {
                await tx.RollbackAsync(ct);
            }

            return;
        }

        _oracle.Wrote(await SingleWriteAsync(db, plain, kind, inTransaction: false, ct));
    }

    private async Task<string> SingleWriteAsync(DataConnection db, DataConnection plain, int kind, bool inTransaction, CancellationToken ct)
    {
        var id = 1 + _random.Next(_nextPhotoId);
        var reader = inTransaction ? db : plain;
        switch (kind)
        {
            case 0:
            case 1:
            {
                if (reader.GetTable<DPhoto>().FirstOrDefault(x => x.Id == id) is { } photo)
                {
                    string column;
                    switch (_random.Next(5))
                    {
                        case 0: photo.UserId = _random.Next(12); column = "UserId"; break;
                        case 1: photo.Status = _random.Next(4); column = "Status"; break;
                        case 2: photo.Title = "t" + _random.Next(100); column = "Title"; break;
                        case 3: photo.AlbumId = _random.Next(4) == 0 ? null : _random.Next(3); column = "AlbumId"; break;
                        default: photo.IsPublic = !photo.IsPublic; column = "IsPublic"; break;
                    }

                    if (_random.Next(2) == 0)
                    {
                        db.Update(photo);
                    }
                    else
                    {
                        await db.UpdateAsync(photo, token: ct);
                    }

                    return "entity update of DPhoto." + column;
                }

                return "none (photo not found)";
            }

            case 2:
                db.Insert(RandomPhoto(++_nextPhotoId));
                return "entity insert of DPhoto";
            case 3:
                if (_random.Next(2) == 0)
                {
                    db.Delete(new DPhoto { Id = id });
                }
                else
                {
                    await db.GetTable<DPhoto>().Where(x => x.Id == id).DeleteAsync(ct);
                }

                return "delete of DPhoto by id";
            case 4:
            {
                var (u, s) = (_random.Next(12), _random.Next(4));
                db.GetTable<DPhoto>().Where(x => x.UserId == u && x.Id % 3 == 0).Set(x => x.Status, s).Update();
                return "DML update of DPhoto.Status where UserId";
            }

            case 5:
            {
                var title = "raw" + _random.Next(50);
                db.Execute("UPDATE \"DPhoto\" SET \"Title\" = @title, \"Status\" = @status WHERE \"Id\" = @id",
                    new DataParameter("title", title), new DataParameter("status", _random.Next(4)), new DataParameter("id", id));
                return "raw SQL update of DPhoto.Title, Status by id";
            }

            case 6:
            {
                var rows = Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => RandomPhoto(++_nextPhotoId)).ToList();
                var type = inTransaction ? BulkCopyType.MultipleRows : (BulkCopyType)_random.Next(4);
                db.BulkCopy(new BulkCopyOptions { BulkCopyType = type }, rows);
                return "bulk copy into DPhoto (" + type + ")";
            }

            case 7:
            {
                var u = _random.Next(12);
                db.Update(new DUser { Id = u, Name = Names[_random.Next(Names.Length)], Level = _random.Next(3) });
                return "entity update of DUser";
            }

            case 8:
                db.InsertWithInt32Identity(new DTag { PhotoId = id, Name = TagNames[_random.Next(TagNames.Length)] });
                return "insert of DTag with identity";
            case 9:
            {
                var name = TagNames[_random.Next(TagNames.Length)];
                var pick = _random.Next(5);
                db.GetTable<DTag>().Where(t => t.PhotoId % 5 == pick).Take(1).Set(t => t.Name, name).Update();
                return "DML update of DTag.Name (Take 1)";
            }

            case 10:
            {
                var pick = id;
                db.GetTable<DTag>().Where(t => t.PhotoId == pick).Delete();
                return "DML delete of DTag where PhotoId";
            }

            default:
            {
                var isPublic = _random.Next(2) == 0;
                db.GetTable<DPhoto>().AsCacheBot().Where(x => x.Id == id).Set(x => x.IsPublic, isPublic).Update();
                return "DML update of DPhoto.IsPublic by id (through AsCacheBot)";
            }
        }
    }
}

using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Redis.Worker;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// An announced write blocks hits on every query that reads its table, whatever the query's shape (join sides, navigations,
/// subqueries): between another process's commit and its publish, only the announcement protects readers.
/// </summary>
public sealed class UnsettledJoinTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            for (var shape = 0; shape < Shapes.RowShapes.Length; shape++)
            {
                data.Add(provider, shape);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnnouncedWriteToAnyTableTheQueryReads_BlocksItsHits(string provider, int shape)
    {
        var redis = TestRedis.Require();
        using var database = TestDatabase.Create(provider);
        using (var seed = new DataConnection(database.Options))
        {
            seed.CreateTable<RUser>();
            seed.CreateTable<RPhoto>();
            seed.CreateTable<RTag>();
            for (var u = 0; u < 3; u++)
            {
                seed.Insert(new RUser { Id = u, Name = Schema.Names[u], Level = u % 2 });
            }

            for (var i = 1; i <= 12; i++)
            {
                seed.Insert(new RPhoto { Id = i, UserId = i % 3, Status = i % 2, Title = "t", IsPublic = true, AlbumId = i % 2 });
                seed.Insert(new RTag { PhotoId = i, Name = "sun" });
            }
        }

        var prefix = TestRedis.UniquePrefix("unsettled");
        using var a = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var b = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var db = new DataConnection(database.Options.UseCacheBot(b));
        var p = new P(1, 1, 4, 1, "bob", "sun", 1, [1, 2], false);
        var ct = TestContext.Current.CancellationToken;
        await Shapes.RowShapes[shape](db, true, p, ct);
        await Shapes.RowShapes[shape](db, true, p, ct);
        if (b.Statistics.Hits == 0)
        {
            return; // a shape this dialect does not cache
        }

        foreach (var table in new[] { "RUser", "RPhoto", "RTag" })
        {
            var databaseId = ((LinqToDB.IDataContext)db).Options.Find<CacheBotOptionSet>()!.DatabaseId;
            var commit = a.BeginCommit([WriteRecord.ForTable(TableModel.ForName(databaseId, null, table))]);
            var hits = b.Statistics.Hits;
            await Shapes.RowShapes[shape](db, true, p, ct);
            var blocked = b.Statistics.Hits == hits;
            commit.Complete([WriteRecord.ForTable(TableModel.ForName(databaseId, null, table))]);
            await Shapes.RowShapes[shape](db, true, p, ct); // refill after the published table write
            Assert.True(blocked || !ReadsTable(shape, table), $"shape {shape} hit on an entry while a write to {table} was announced");
        }
    }

    private static bool ReadsTable(int shape, string table) => table switch
    {
        "RPhoto" => shape != 9 && shape != 10,
        "RUser" => shape is 6 or 7 or 9 or 14,
        "RTag" => shape is 8 or 10,
        _ => false,
    };
}

using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Redis.Worker;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// Compiled cached queries keep the strict guarantee across processes (two caches on one Redis stand for two processes): a
/// write committed through the other process is seen by the next call, and an announced write blocks their hits.
/// </summary>
public sealed class CompiledQueryStrictTests
{
    private static readonly Func<DataConnection, int, string?> TitleOf =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<RPhoto>().Where(p => p.Id == id).Select(p => p.Title).FirstOrDefault());

    private static readonly Func<DataConnection, int, CancellationToken, Task<List<RPhoto>>> PhotosOfAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int u) => db.GetTable<RPhoto>().Where(p => p.UserId == u));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task WriteInOneProcess_IsSeenByTheOthersNextCompiledCall(string provider)
    {
        var redis = TestRedis.Require();
        using var database = Seed(provider);
        var prefix = TestRedis.UniquePrefix("compiled");
        using var a = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var b = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var writer = new DataConnection(database.Options.UseCacheBot(a));
        using var reader = new DataConnection(database.Options.UseCacheBot(b));
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("t1", TitleOf(reader, 1));
        Assert.Equal(4, (await PhotosOfAsync(reader, 1, ct)).Count);
        Assert.Equal("t1", TitleOf(reader, 1));
        Assert.Equal(4, (await PhotosOfAsync(reader, 1, ct)).Count);
        Assert.Equal(2, b.Statistics.Hits);

        writer.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Title, "changed").Set(p => p.UserId, 2).Update();

        Assert.Equal("changed", TitleOf(reader, 1));
        Assert.Equal(3, (await PhotosOfAsync(reader, 1, ct)).Count);
        Assert.Equal(2, b.Statistics.Hits);
    }

    [Fact]
    public void AnnouncedWrite_BlocksCompiledHitsUntilPublished()
    {
        var redis = TestRedis.Require();
        using var database = Seed("sqlite");
        var prefix = TestRedis.UniquePrefix("compiledann");
        using var a = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var b = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var reader = new DataConnection(database.Options.UseCacheBot(b));
        TitleOf(reader, 2);
        TitleOf(reader, 2);
        Assert.Equal(1, b.Statistics.Hits);

        var databaseId = ((IDataContext)reader).Options.Find<CacheBotOptionSet>()!.DatabaseId;
        var write = WriteRecord.ForTable(TableModel.ForName(databaseId, null, "RPhoto"));
        var commit = a.BeginCommit([write]);
        TitleOf(reader, 2);
        var hitsWhileAnnounced = b.Statistics.Hits;
        commit.Complete([write]);
        TitleOf(reader, 2);
        TitleOf(reader, 2);

        Assert.Equal(1, hitsWhileAnnounced);
        Assert.Equal(2, b.Statistics.Hits);
    }

    private static TestDatabase Seed(string provider)
    {
        var database = TestDatabase.Create(provider);
        using var seed = new DataConnection(database.Options);
        seed.CreateTable<RPhoto>();
        for (var i = 1; i <= 12; i++)
        {
            seed.Insert(new RPhoto { Id = i, UserId = i % 3, Status = i % 2, Title = "t" + i, IsPublic = true, AlbumId = i % 2 });
        }

        return database;
    }
}

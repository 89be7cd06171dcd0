using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Redis.Worker;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// A PostgreSQL binary COPY (linq2db's provider-specific bulk copy) in one process reaches the entries of another. With a
/// coordinator the copy is announced as an insert of unknown rows before its last batch commits (the other process has
/// no read gate), not narrowed to the rows read back after it as a cache of one process may; that ordering closes a
/// window this test does not time (a read in the other process between the commit and the publication).
/// </summary>
public sealed class ProviderSpecificCopyTests
{
    [Fact]
    public void BinaryCopyInOneProcess_ReachesTheOthersEntries()
    {
        using var database = TestDatabase.Create("postgres");
        using (var seed = new DataConnection(database.Options))
        {
            seed.CreateTable<RPhoto>();
            for (var i = 1; i <= 6; i++)
            {
                seed.Insert(new RPhoto { Id = i, UserId = i % 3, Status = i % 2, Title = "t" + i, IsPublic = true });
            }
        }

        var redis = TestRedis.Require();
        var prefix = TestRedis.UniquePrefix("copy");
        using var writerCache = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var readerCache = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
        using var writer = new DataConnection(database.Options.UseCacheBot(writerCache));
        using var reader = new DataConnection(database.Options.UseCacheBot(readerCache));
        List<int> Ids(DataConnection db, int status) => [.. db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == status).Select(p => p.Id).ToList().Order()];

        Assert.Empty(Ids(reader, 5));
        Assert.Empty(Ids(writer, 5));
        var hits = readerCache.Statistics.Hits;
        Assert.Empty(Ids(reader, 5));
        Assert.Equal(hits + 1, readerCache.Statistics.Hits);

        writer.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new RPhoto { Id = 100, UserId = 1, Status = 5, Title = "c", IsPublic = true }]);

        Assert.Equal([100], Ids(reader, 5));
        Assert.Equal([100], Ids(writer, 5));
    }
}

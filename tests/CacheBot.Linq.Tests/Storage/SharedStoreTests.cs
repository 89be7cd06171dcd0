using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Storage;

/// <summary>Several caches given one result store (easy with DI) never validate each other's entries.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public void TwoCachesOneStore_EntryOfOneIsNeverValidatedByTheOther()
    {
        using var store = new Linq.Storage.MemoryCacheResultStore(1000);
        var rows = new List<Photo> { new() { Id = 1, UserId = 1, Title = "a" }, new() { Id = 2, UserId = 1, Title = "b" }, new() { Id = 9, UserId = 7 } };
        var root = rows.AsQueryable();
        using var first = new QueryCache(new QueryCacheOptions { ResultStore = store });
        using var second = new QueryCache(new QueryCacheOptions { ResultStore = store });
        for (var i = 0; i < 5; i++)
        {
            second.NotifyUpdated(rows[2], rows[2]); // moves the second cache's positions ahead of the first's
        }

        Assert.Equal(2, root.AsCacheBot(second).Cache().Count(p => p.UserId == 1));

        var before = rows[0];
        rows[0] = new Photo { Id = 1, UserId = 2, Title = "a" };
        first.NotifyUpdated(before, rows[0]); // the write is reported to the first cache only

        Assert.Equal(1, root.AsCacheBot(first).Cache().Count(p => p.UserId == 1));
        Assert.Equal(0, first.Statistics.Hits);
        Assert.Equal(1, root.AsCacheBot(first).Cache().Count(p => p.UserId == 1));
        Assert.Equal(1, first.Statistics.Hits);
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>Keys and dependencies are per database and per table name, never per object.</summary>
public sealed class IsolationTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoDatabases_SameQuery_NeverShareEntries(string provider)
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        await using var testA = await TestDb.CreateAsync(provider, cache);
        await using var testB = await TestDb.CreateAsync(provider, cache);
        using (var plainB = new DataConnection(testB.PlainOptions))
        {
            plainB.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Title, "other").Update();
        }

        using var dbA = testA.Open();
        using var dbB = testB.Open();
        var a = dbA.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1);
        var b = dbB.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1);

        Assert.NotEqual(testA.DatabaseId, testB.DatabaseId);
        Assert.Equal("p1", a.Title);
        Assert.Equal("other", b.Title);
        Assert.Equal(2, cache.Statistics.Misses);
        Assert.Equal(0, cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TableNameOverride_KeysAndDependsSeparately(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var photos = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList();
        var archived = db.GetTable<Photo>().TableName("PhotoArchive").AsCacheBot().Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(4, photos.Count);
        Assert.Equal(new[] { 101, 102 }, archived.Select(p => p.Id).Order());
        Assert.Equal(2, test.Cache.Statistics.Misses);

        test.Cache.NotifyTableChanged("PhotoArchive", test.DatabaseId);
        test.Counter.Reset();
        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(0, test.Counter.Total); // Photo entry still valid
        var again = db.GetTable<Photo>().TableName("PhotoArchive").AsCacheBot().Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, test.Counter.Total); // archive entry invalidated
        Assert.Equal(2, again.Count);
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(3, test.Cache.Statistics.Misses);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TableChange_OnMappedTable_InvalidatesItsEntries(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "bob").ToList();
        test.Cache.NotifyTableChanged("User", test.DatabaseId);
        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "bob").ToList();

        Assert.Equal(2, test.Cache.Statistics.Misses);
        Assert.Equal(0, test.Cache.Statistics.Hits);
    }
}

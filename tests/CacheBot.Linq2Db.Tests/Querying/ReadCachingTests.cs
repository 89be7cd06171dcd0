using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

public sealed class ReadCachingTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CacheWhere_SecondRun_HitsWithoutAnyCommand(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var first = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Status == 1).OrderBy(p => p.Id).ToList();
        Assert.Equal(1, test.Cache.Statistics.Misses);
        Assert.True(test.Counter.Total > 0);
        test.Counter.Reset();

        var second = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Status == 1).OrderBy(p => p.Id).ToList();

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
        Assert.Equal([1, 7], first.Select(p => p.Id));
        Assert.Equal(first.Select(p => (p.Id, p.Title)), second.Select(p => (p.Id, p.Title)));
        Assert.NotSame(first[0], second[0]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CacheWhere_CapturedValues_KeyByValue(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var results = new List<List<Photo>>();
        foreach (var user in new[] { 1, 2, 1, 2 })
        {
            results.Add(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == user).ToList());
        }

        Assert.Equal(2, test.Cache.Statistics.Misses);
        Assert.Equal(2, test.Cache.Statistics.Hits);
        var again = results[3];
        Assert.All(again, p => Assert.Equal(2, p.UserId));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CacheWhere_AnotherConnectionSameDatabase_SharesEntry(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using (var db1 = test.Open())
        {
            _ = db1.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Status == 0).ToList();
        }

        test.Counter.Reset();
        using var db2 = test.Open();
        var result = db2.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Status == 0).ToList();

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(TestDb.PhotoCount / 2, result.Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FirstById_WithoutCache_IsCachedAsGet(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var first = db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 7);
        test.Counter.Reset();
        var second = db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 7);

        Assert.Equal("p7", first.Title);
        Assert.Equal("p7", second.Title);
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NoCache_RunsOnTheDatabaseEveryTime(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        for (var i = 0; i < 2; i++)
        {
            test.Counter.Reset();
            var photo = db.GetTable<Photo>().AsCacheBot().NoCache().First(p => p.Id == 7);
            Assert.Equal("p7", photo.Title);
            Assert.Equal(1, test.Counter.Total);
        }

        Assert.Equal(0, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NavigationPredicate_RunsOnSqlAndCaches(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "david");
        var sql = query.ToSqlQuery().Sql;
        var first = query.OrderBy(p => p.Id).Select(p => p.Id).ToList();
        test.Counter.Reset();
        var second = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "david").OrderBy(p => p.Id).Select(p => p.Id).ToList();

        Assert.Contains("JOIN", sql, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([3, 6, 9, 12], first);
        Assert.Equal(first, second);
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CountAndProjection_AreCached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        Assert.Equal(6, db.GetTable<Photo>().AsCacheBot().Cache().Count(p => p.Status == 1));
        Assert.Equal(["p1", "p4"], db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Id < 5).OrderBy(p => p.Id).Select(p => p.Title).ToList());
        test.Counter.Reset();
        Assert.Equal(6, db.GetTable<Photo>().AsCacheBot().Cache().Count(p => p.Status == 1));
        Assert.Equal(["p1", "p4"], db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Id < 5).OrderBy(p => p.Id).Select(p => p.Title).ToList());

        Assert.Equal(2, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DataContext_CachesLikeDataConnection(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = new DataContext(test.Options);

        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToList();
        test.Counter.Reset();
        var again = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToList();

        Assert.Equal(4, again.Count);
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>linq2db's own extensions keep working on a query wrapped by <c>AsCacheBot()</c>.</summary>
public sealed class Linq2DbExtensionTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LoadWith_LoadsChildren_AndIsCached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var first = db.GetTable<Photo>().AsCacheBot().Cache().LoadWith(p => p.Tags).LoadWith(p => p.User).Where(p => p.Id == 1).ToList();
        test.Counter.Reset();
        var second = db.GetTable<Photo>().AsCacheBot().Cache().LoadWith(p => p.Tags).LoadWith(p => p.User).Where(p => p.Id == 1).ToList();

        foreach (var result in new[] { first, second })
        {
            var photo = Assert.Single(result);
            Assert.Equal(["sea", "sun"], photo.Tags.Select(t => t.Name).Order());
            Assert.Equal("alice", photo.User.Name);
        }

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LoadWith_ToListAsync_IsCached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var first = await db.GetTable<User>().AsCacheBot().Cache().LoadWith(u => u.Photos).Where(u => u.Id == 2).ToListAsync(ct);
        test.Counter.Reset();
        var second = await db.GetTable<User>().AsCacheBot().Cache().LoadWith(u => u.Photos).Where(u => u.Id == 2).ToListAsync(ct);

        Assert.Equal(4, Assert.Single(first).Photos.Count);
        Assert.Equal(4, Assert.Single(second).Photos.Count);
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ToSqlQuery_OnWrappedQuery_ReturnsTheSqlWithoutMarkers(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Status == 1);
        var sql = query.ToSqlQuery().Sql;

        Assert.Contains("Photo", sql, StringComparison.Ordinal);
        Assert.Contains("Status", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("CacheMarker", sql, StringComparison.Ordinal);
        Assert.Same(db, ((LinqToDB.Internal.Linq.IExpressionQuery)query).DataContext);
        Assert.Equal(0, test.Counter.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SetUpdate_OnWrappedQuery_UpdatesTheRows(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var updated = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).Set(p => p.Title, "renamed").Update();

        Assert.Equal(4, updated);
        Assert.Equal(4, Reference(test).GetTable<Photo>().Count(p => p.Title == "renamed"));
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UpdateWithSetter_OnWrappedQuery_UpdatesTheRows(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var updated = db.GetTable<Photo>().AsCacheBot().Where(p => p.Id == 2).Update(p => new Photo { Status = 5 });

        Assert.Equal(1, updated);
        Assert.Equal(5, Reference(test).GetTable<Photo>().Single(p => p.Id == 2).Status);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Delete_OnWrappedQuery_DeletesTheRows(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var deleted = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Status == 0).Delete();

        Assert.Equal(TestDb.PhotoCount / 2, deleted);
        Assert.Equal(TestDb.PhotoCount / 2, Reference(test).GetTable<Photo>().Count());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DmlAsync_OnWrappedQuery_RunsAsync(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var updated = await db.GetTable<Photo>().AsCacheBot().Where(p => p.UserId == 2).Set(p => p.Status, 9).UpdateAsync(ct);
        var deleted = await db.GetTable<Photo>().AsCacheBot().Where(p => p.Id == 11).DeleteAsync(ct);

        Assert.Equal(4, updated);
        Assert.Equal(1, deleted);
        Assert.Equal(0, test.Counter.SyncCommands);
        Assert.Equal(3, Reference(test).GetTable<Photo>().Count(p => p.Status == 9));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SetUpdate_OnWrappedQuery_InvalidatesTheCachedRead(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        Assert.Equal("p1", db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1).Title);

        db.GetTable<Photo>().AsCacheBot().Where(p => p.Id == 1).Set(p => p.Title, "changed").Update();

        Assert.Equal("changed", db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1).Title);
        Assert.Equal(0, test.Cache.Statistics.Hits);
    }

    private static DataConnection Reference(TestDb test) => new(test.PlainOptions);
}

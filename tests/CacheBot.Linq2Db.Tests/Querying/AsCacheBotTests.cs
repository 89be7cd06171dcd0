using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying;

public sealed class AsCacheBotTests
{
    [Fact]
    public async Task AsCacheBot_ContextWithoutUseCacheBot_ThrowsActionableError()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = new DataConnection(test.PlainOptions);

        var error = Assert.Throws<InvalidOperationException>(() => db.GetTable<Photo>().AsCacheBot());

        Assert.Contains("UseCacheBot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsCacheBot_NotALinq2DbQuery_ThrowsActionableError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new[] { new Photo() }.AsQueryable().AsCacheBot());

        Assert.Contains("linq2db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsCacheBot_CalledTwice_ReturnsTheSameQuery()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();

        var wrapped = db.GetTable<Photo>().AsCacheBot();

        Assert.Same(wrapped, wrapped.AsCacheBot());
    }

    [Fact]
    public async Task AsCacheBot_OnPropertyTableAndQuery_Works()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        ITable<Photo> table = db.GetTable<Photo>();

        var fromTable = table.AsCacheBot().Cache().Where(p => p.Status == 1).Count();
        var fromQuery = db.GetTable<Photo>().Where(p => p.Status == 1).AsCacheBot().Cache().Count();

        Assert.Equal(6, fromTable);
        Assert.Equal(6, fromQuery);
        Assert.Equal(2, test.Cache.Statistics.Misses);
    }

    [Fact]
    public async Task ClosureCapturedDataContext_SubqueryIsKeyedByType()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db1 = test.Open();
        using var db2 = test.Open();

        List<int> Run(DataConnection db) => db.GetTable<User>().AsCacheBot().Cache()
            .Where(u => db.GetTable<Photo>().Any(p => p.UserId == u.Id && p.Status == 1)).OrderBy(u => u.Id).Select(u => u.Id).ToList();

        Assert.Equal(new[] { 1, 2, 3 }, Run(db1));
        Assert.Equal(new[] { 1, 2, 3 }, Run(db2));
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }
}

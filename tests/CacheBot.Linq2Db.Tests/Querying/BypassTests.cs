using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>Queries CacheBot must not cache run uncached, counted as bypasses, and stay correct.</summary>
public sealed class BypassTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SqlCurrentTimestamp_RunsUncached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        for (var i = 0; i < 2; i++)
        {
            test.Counter.Reset();
            var rows = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && Sql.CurrentTimestamp > new DateTime(2000, 1, 1)).ToList();
            Assert.Equal(4, rows.Count);
            Assert.Equal(1, test.Counter.Total);
        }

        Assert.Equal(2, test.Cache.Statistics.Bypasses);
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DateTimeNow_RunsUncached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

#pragma warning disable CA1305 // The projection is translated to SQL; culture does not apply.
        var rows = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => new { p.Id, Now = DateTime.Now }).ToList();
#pragma warning restore CA1305

        Assert.Single(rows);
        Assert.Equal(1, test.Cache.Statistics.Bypasses);
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ReadInsideDataConnectionTransaction_BypassesTheCache(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 2).ToList(); // cached outside

        using (var transaction = db.BeginTransaction())
        {
            db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.UserId, 1).Update();
            test.Counter.Reset();
            var inside = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 2).ToList();
            Assert.Equal(3, inside.Count); // sees its own uncommitted write, not the cached entry
            Assert.Equal(1, test.Counter.Total);
            transaction.Rollback();
        }

        Assert.Equal(1, test.Cache.Statistics.Bypasses);
        Assert.Equal(1, test.Cache.Statistics.Stores);
        Assert.Equal(0, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ReadInsideDataContextTransaction_BypassesTheCache(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = new DataContext(test.Options);
        _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToList();

        using (var transaction = db.BeginTransaction())
        {
            var inside = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToList();
            Assert.Equal(4, inside.Count);
            transaction.RollbackTransaction();
        }

        var after = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToList();
        Assert.Equal(4, after.Count);
        Assert.Equal(1, test.Cache.Statistics.Bypasses);
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ReadInsideTransactionScope_BypassesTheCache(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        using (new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled))
        {
            _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList();
        }

        Assert.Equal(1, test.Cache.Statistics.Bypasses);
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }
}

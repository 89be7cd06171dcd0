using System.Transactions;
using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Transactions;

public sealed class TransactionTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Commit_AppliesAfterCommit_ReadsInsideBypass(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        using var reader = shop.Cached();
        Assert.Equal(5, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var tx = db.Database.BeginTransaction())
        {
            db.Photos.AsTracking().First(p => p.Id == 1).UserId = 2;
            db.SaveChanges();
            Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
            Assert.Equal(5, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
            tx.Commit();
        }

        Assert.Equal(4, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RollbackDisposeAndSavepoint_NeverServeUncommittedOrStale(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var tx = db.Database.BeginTransaction())
        {
            db.Database.ExecuteSqlRaw("UPDATE \"Photos\" SET \"UserId\" = 2 WHERE \"Id\" = 1");
            tx.Rollback();
        }

        var before = shop.Counter.Readers;
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(before, shop.Counter.Readers);
        using (db.Database.BeginTransaction())
        {
            db.Photos.AsTracking().First(p => p.Id == 2).UserId = 2;
            db.SaveChanges();
        }

        db.ChangeTracker.Clear();
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var tx = db.Database.BeginTransaction())
        {
            db.Photos.AsTracking().First(p => p.Id == 3).UserId = 2;
            db.SaveChanges();
            tx.CreateSavepoint("s1");
            db.Photos.AsTracking().First(p => p.Id == 4).UserId = 2;
            db.SaveChanges();
            tx.RollbackToSavepoint("s1");
            tx.Commit();
        }

        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void TransactionScope_WritesApplyWhenTheScopeCompletes(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var reader = shop.Cached();
        Assert.Equal(5, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var scope = new TransactionScope(TransactionScopeOption.Required, TransactionScopeAsyncFlowOption.Enabled))
        {
            using var db = shop.Cached();
            db.Photos.AsTracking().First(p => p.Id == 1).UserId = 2;
            db.SaveChanges();
            scope.Complete();
        }

        Assert.Equal(4, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void UseTransaction_ExternalCommit_Invalidates(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var reader = shop.Cached();
        Assert.Equal(5, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var db = shop.Cached())
        {
            var connection = db.Database.GetDbConnection();
            connection.Open();
            using var tx = connection.BeginTransaction();
            db.Database.UseTransaction(tx);
            db.Photos.AsTracking().First(p => p.Id == 1).UserId = 2;
            db.SaveChanges();
            tx.Commit();
        }

        Assert.Equal(4, reader.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }
}

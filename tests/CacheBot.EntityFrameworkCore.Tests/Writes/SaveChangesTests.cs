using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Writes;

public sealed class SaveChangesTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Update_TrackedEntity_InvalidatesOnlyMatchingEntries(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        var photo = db.Photos.AsTracking().First(p => p.Id == 1);
        photo.UserId = 2;
        db.SaveChanges();
        var before = shop.Counter.Readers;
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(6, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        Assert.Equal(before + 2, shop.Counter.Readers);
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 3));
        var other = db.Photos.AsTracking().First(p => p.Id == 20);
        other.Title = "renamed";
        db.SaveChanges();
        before = shop.Counter.Readers;
        Assert.Equal(6, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        Assert.Equal(before, shop.Counter.Readers);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Update_DetachedEntity_InvalidatesTheOldValue(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var other = shop.Cached())
        {
            var detached = other.Photos.AsNoTracking().First(p => p.Id == 2);
            detached.UserId = 3;
            other.Update(detached);
            other.SaveChanges();
        }

        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        using (var other = shop.Cached())
        {
            other.Remove(new Photo { Id = 3, Title = "stub" });
            other.SaveChanges();
        }

        Assert.Equal(3, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task Insert_WithGeneratedKey_InvalidatesQueryOnTheNewKey(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await db.Users.AsCacheBot().FirstOrDefaultAsync(u => u.Id == 5, ct));
        db.Users.Add(new User { Name = "new" });
        await db.SaveChangesAsync(ct);
        Assert.Equal("new", (await db.Users.AsCacheBot().FirstOrDefaultAsync(u => u.Id == 5, ct))?.Name);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Delete_CascadesTrackedAndDatabase_InvalidateChildren(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.Equal(2, db.Photos.AsCacheBot().Cache().Count(p => p.AlbumId == 1 && p.UserId == 1));
        using (var other = shop.Cached())
        {
            // Photo 5 with its comment tracked (EF cascades); photo 6 alone (the database cascades).
            var tracked = other.Photos.AsTracking().Include(p => p.Comments).First(p => p.Id == 5);
            other.Remove(tracked);
            other.Remove(other.Photos.AsTracking().First(p => p.Id == 6));
            other.Remove(other.Albums.AsTracking().First(a => a.Id == 1));
            other.SaveChanges();
        }

        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.Equal(0, db.Photos.AsCacheBot().Cache().Count(p => p.AlbumId == 1 && p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ManyToMany_LinkRows_InvalidateWhatFollowsTheNavigation_AndNothingElse(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        List<object> Read() =>
        [
            db.Photos.AsCacheBot().Cache().Include(p => p.Tags).First(p => p.Id == 1).Tags.Count,
            db.Photos.AsCacheBot().Cache().Count(p => p.Tags.Any(t => t.Name == "sky")),
            db.Tags.AsCacheBot().Cache().Where(t => t.Name == "sky").Select(t => t.Photos.Count).Single(),
            db.Photos.AsCacheBot().Cache().Where(p => p.Id == 1).SelectMany(p => p.Tags).Count(),
        ];

        List<object> Unrelated() =>
        [
            db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1),
            db.Tags.AsCacheBot().Cache().OrderBy(t => t.Name).Select(t => t.Name).ToList().Count,
        ];

        var before = Read();
        Assert.Equal(1, before[0]);
        var unrelated = Unrelated();
        Assert.Equal(before, Read());
        using (var other = shop.Cached())
        {
            var photo = other.Photos.AsTracking().Include(p => p.Tags).First(p => p.Id == 1);
            photo.Tags.Add(other.Tags.AsTracking().First(t => t.Name == "sky"));
            other.SaveChanges();
        }

        var after = Read();
        Assert.Equal(2, after[0]);
        for (var i = 1; i < after.Count; i++)
        {
            Assert.Equal((int)before[i] + 1, (int)after[i]);
        }

        // A link row is not a row of either entity's table: queries that do not follow the navigation stay cached.
        var hits = shop.Cache.Statistics.Hits;
        Assert.Equal(unrelated, Unrelated());
        Assert.Equal(hits + unrelated.Count, shop.Cache.Statistics.Hits);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task ExecuteUpdateAndDelete_PlainAndWrapped_Invalidate(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(2, db.Photos.AsCacheBot().Where(p => p.UserId == 1 && p.Status == 1).ExecuteUpdate(s => s.SetProperty(p => p.UserId, 2)));
        Assert.Equal(3, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        await db.Photos.Where(p => p.Id == 1).ExecuteDeleteAsync(ct);
        Assert.Equal(2, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 1));
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Photos.Where(p => p.UserId == 1).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }

        Assert.Equal(0, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RawSql_AndSchemaCommands_InvalidateTheDatabase(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(4, db.Users.AsCacheBot().Cache().Count());
        db.Database.ExecuteSqlRaw("UPDATE \"Photos\" SET \"UserId\" = 2 WHERE \"Id\" = 1");
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        db.Database.ExecuteSql($"DELETE FROM \"Users\" WHERE \"Id\" = {99}");
        var countBefore = shop.Counter.Readers;
        Assert.Equal(4, db.Users.AsCacheBot().Cache().Count());
        Assert.Equal(countBefore + 1, shop.Counter.Readers);
        var returning = kind == "sqlite" ? "DELETE FROM \"Tags\" WHERE \"Id\" = 99 RETURNING *" : "DELETE FROM \"Tags\" WHERE \"Id\" = 99 RETURNING *";
        Assert.Equal(3, db.Tags.AsCacheBot().Cache().Count());
        _ = db.Tags.FromSqlRaw(returning).ToList();
        countBefore = shop.Counter.Readers;
        Assert.Equal(3, db.Tags.AsCacheBot().Cache().Count());
        Assert.Equal(countBefore + 1, shop.Counter.Readers);
        countBefore = shop.Counter.Readers;
        Assert.Equal(3, db.Tags.AsCacheBot().Cache().Count());
        Assert.Equal(countBefore, shop.Counter.Readers);
    }
}

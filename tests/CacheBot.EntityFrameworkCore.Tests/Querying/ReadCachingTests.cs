using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Querying;

public sealed class ReadCachingTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void CachedWhere_SecondRun_SendsNoCommand(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        var first = db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();
        var before = shop.Counter.Readers;
        var second = db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(first.Select(p => p.Id), second.Select(p => p.Id));
        Assert.Equal(5, second.Count);
        Assert.Equal(1, shop.Cache.Statistics.Hits);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void GetByKey_CachedByDefault_ReturnsIndependentCopies(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        var a = db.Photos.AsCacheBot().First(p => p.Id == 7);
        a.Title = "changed in memory";
        var before = shop.Counter.Readers;
        var b = db.Photos.AsCacheBot().First(p => p.Id == 7);
        Assert.Equal(before, shop.Counter.Readers);
        Assert.NotSame(a, b);
        Assert.Equal("p2_1", b.Title);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task AsyncOperators_RunThroughTheCache(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        var list = await db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 1).ToListAsync(ct);
        var count = await db.Photos.AsCacheBot().Cache().CountAsync(p => p.Status == 1, ct);
        var first = await db.Photos.AsCacheBot().FirstOrDefaultAsync(p => p.Id == 3, ct);
        var any = await db.Photos.AsCacheBot().Cache().AnyAsync(p => p.Title == "p1_1", ct);
        var sum = await db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 1).SumAsync(p => p.Status, ct);
        var streamed = new List<Photo>();
        await foreach (var p in db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 1).AsAsyncEnumerable().WithCancellation(ct))
        {
            streamed.Add(p);
        }

        var before = shop.Counter.Readers;
        Assert.Equal(list.Count, (await db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 1).ToListAsync(ct)).Count);
        Assert.Equal(count, await db.Photos.AsCacheBot().Cache().CountAsync(p => p.Status == 1, ct));
        Assert.Equal(first!.Id, (await db.Photos.AsCacheBot().FirstOrDefaultAsync(p => p.Id == 3, ct))!.Id);
        Assert.Equal(any, await db.Photos.AsCacheBot().Cache().AnyAsync(p => p.Title == "p1_1", ct));
        Assert.Equal(sum, await db.Photos.AsCacheBot().Cache().Where(p => p.UserId == 1).SumAsync(p => p.Status, ct));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(list.Count, streamed.Count);
        Assert.True(any);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void EfOperators_AfterAsCacheBot_ChangeResultsAsWithoutCacheBot(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        using var plain = shop.Plain();
        var cached = db.Photos.AsCacheBot().Cache().Include(p => p.Tags).Include(p => p.Comments).Include(p => p.User).AsSplitQuery()
            .TagWith("cachebot").IgnoreQueryFilters().AsNoTracking().Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();
        var expected = plain.Photos.Include(p => p.Tags).Include(p => p.Comments).Include(p => p.User).AsSplitQuery()
            .Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();
        Assert.Equal(expected.Select(p => (p.Id, p.Tags.Count, p.User!.Name)), cached.Select(p => (p.Id, p.Tags.Count, p.User!.Name)));
        Assert.All(cached, p => Assert.NotEmpty(p.Tags));
        var hit = db.Photos.AsCacheBot().Cache().Include(p => p.Tags).Include(p => p.Comments).Include(p => p.User).AsSplitQuery()
            .TagWith("cachebot").IgnoreQueryFilters().AsNoTracking().Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();
        Assert.Equal(expected.Select(p => (p.Id, p.Tags.Count, p.User!.Name)), hit.Select(p => (p.Id, p.Tags.Count, p.User!.Name)));
        Assert.Equal(1, shop.Cache.Statistics.Hits);
        var users = db.Users.AsCacheBot().Cache().Include(u => u.Photos).ThenInclude(p => p.Tags).Where(u => u.Id == 1).ToList();
        Assert.Equal(5, users.Single().Photos.Count);
        Assert.All(users.Single().Photos, p => Assert.Single(p.Tags));
        Assert.Contains("cachebot", db.Photos.AsCacheBot().TagWith("cachebot").Where(p => p.UserId == 2).ToQueryString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void DifferentEntitySets_SameShape_DoNotShareEntries(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        var photos = db.Photos.AsCacheBot().Cache().Count();
        var users = db.Users.AsCacheBot().Cache().Count();
        var tags = db.Tags.AsCacheBot().Cache().Count();
        Assert.Equal(20, photos);
        Assert.Equal(4, users);
        Assert.Equal(3, tags);
        Assert.Equal(0, shop.Cache.Statistics.Hits);
        var blogsInSubquery = db.Photos.AsCacheBot().Cache().Count(p => db.Users.Any(u => u.Id == p.UserId && u.Name == "user1"));
        var tagsInSubquery = db.Photos.AsCacheBot().Cache().Count(p => db.Tags.Any(t => t.Name == "user1"));
        Assert.Equal(5, blogsInSubquery);
        Assert.Equal(0, tagsInSubquery);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void TrackingQueryOverEntities_Bypasses_AndKeepsIdentityResolution(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        var tracked = db.Photos.AsTracking().First(p => p.Id == 4);
        tracked.Title = "edited";
        var again = db.Photos.AsCacheBot().AsTracking().First(p => p.Id == 4);
        var againCached = db.Photos.AsCacheBot().Cache().AsTracking().Where(p => p.UserId == 1).ToList();
        Assert.Same(tracked, again);
        Assert.Contains(tracked, againCached);
        db.SaveChanges();
        using var plain = shop.Plain();
        Assert.Equal("edited", plain.Photos.Single(p => p.Id == 4).Title);
        Assert.Equal(0, shop.Cache.Statistics.Hits);
        Assert.True(shop.Cache.Statistics.Bypasses >= 2);
        Assert.Equal(2, db.Photos.AsCacheBot().AsTracking().Where(p => p.UserId == 1).Select(p => p.Status).Distinct().Count(s => s > 0));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void UnanalysableQueries_RunUncached(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(20, db.Photos.AsCacheBot().Cache().Count(p => p.Taken < DateTime.UtcNow));
            Assert.Equal(20, db.Photos.AsCacheBot().Cache().OrderBy(p => EF.Functions.Random()).Count());
            var sql = kind == "sqlite" ? "SELECT * FROM \"Photos\"" : "SELECT * FROM \"Photos\"";
            Assert.Equal(5, db.Photos.FromSqlRaw(sql).AsCacheBot().Cache().Count(p => p.UserId == 1));
            Assert.Equal(20, db.Photos.AsCacheBot().Cache().Include("Tags").Count());
        }

        Assert.Equal(0, shop.Cache.Statistics.Hits);
        Assert.True(shop.Cache.Statistics.Bypasses >= 8);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void FromSqlRoots_WithDifferentSql_NeverShareAnAnswer(string kind)
    {
        // A FromSql root is keyed as its entity type; what tells two of them apart (the SQL) is not in the key, so they
        // must never be cached: each answer comes from its own SQL, every time.
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        for (var i = 0; i < 2; i++)
        {
            for (var user = 1; user <= 3; user++)
            {
                var sql = "SELECT * FROM \"Photos\" WHERE \"UserId\" = " + user;
                var ids = db.Photos.FromSqlRaw(sql).AsCacheBot().Cache().Select(p => p.Id).ToList();
                using var plain = shop.Plain();
                Assert.Equal(plain.Photos.Where(p => p.UserId == user).Select(p => p.Id).OrderBy(x => x), ids.OrderBy(x => x));
            }
        }

        Assert.Equal(0, shop.Cache.Statistics.Hits);
        Assert.Equal(0, shop.Cache.Statistics.Stores);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task CompiledQuery_ThroughTheWrapper_GivesTheSameAnswers(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        var wrapped = EF.CompileQuery((ShopContext c, int user) => c.Photos.AsCacheBot().Cache().Where(p => p.UserId == user));
        var plain = EF.CompileQuery((ShopContext c, int user) => c.Photos.Where(p => p.UserId == user));
        var asyncCount = EF.CompileAsyncQuery((ShopContext c, int user) => c.Photos.AsCacheBot().Count(p => p.UserId == user));
        Assert.Equal(plain(db, 3).Select(p => p.Id).Order(), wrapped(db, 3).Select(p => p.Id).Order());
        Assert.Equal(5, await asyncCount(db, 3));
    }
}

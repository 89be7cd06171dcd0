using CacheBot.Linq.Tests.TestModel;
using Microsoft.Extensions.Time.Testing;

namespace CacheBot.Linq.Tests.Querying;

public sealed class PublicSurfaceTests
{
    [Fact]
    public void Statistics_CachedQueryRunTwice_CountsMissStoreThenHit()
    {
        using var db = new TestDb();
        var first = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal((0L, 1L, 1L, 0L), (db.Cache.Statistics.Hits, db.Cache.Statistics.Misses, db.Cache.Statistics.Stores, db.Cache.Statistics.Bypasses));
        Assert.Equal(0, db.Cache.Statistics.HitRatio);

        var second = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal((1L, 1L, 1L), (db.Cache.Statistics.Hits, db.Cache.Statistics.Misses, db.Cache.Statistics.Stores));
        Assert.Equal(0.5, db.Cache.Statistics.HitRatio);
        Assert.Equal(Canonical.Of(first), Canonical.Of(second));
        Assert.NotEmpty(second);
    }

    [Fact]
    public void Statistics_DifferentCapturedValue_IsADifferentEntry()
    {
        using var db = new TestDb();
        foreach (var uid in new[] { 1, 2, 1, 2 })
        {
            db.Photos.Cache().Where(p => p.UserId == uid).ToList();
        }

        Assert.Equal(2, db.Cache.Statistics.Misses);
        Assert.Equal(2, db.Cache.Statistics.Hits);
    }

    [Fact]
    public void Statistics_WriteThatHitsADependency_CountsAnInvalidation()
    {
        using var db = new TestDb();
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList());
        var before = db.Cache.Statistics.Invalidations;
        db.Update<Photo>(p => p.UserId == 1, p => p.Title = "x");
        Assert.True(db.Cache.Statistics.Invalidations > before);
    }

    [Theory]
    [InlineData("First")]
    [InlineData("FirstOrDefault")]
    [InlineData("Single")]
    [InlineData("SingleOrDefault")]
    [InlineData("WhereThenSingleOrDefault")]
    public void GetQuery_WithoutCacheCall_IsCachedByDefault(string op)
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = op switch
        {
            "First" => q => q.First(p => p.Id == 7),
            "FirstOrDefault" => q => q.FirstOrDefault(p => p.Id == 7),
            "Single" => q => q.Single(p => p.Id == 7),
            "SingleOrDefault" => q => q.SingleOrDefault(p => p.Id == 7),
            _ => q => q.Where(p => p.Id == 7).SingleOrDefault(),
        };
        db.Prime(query, cache: false);

        // A write to another row keeps it; a write to the row invalidates it.
        db.Update<Photo>(p => p.Id == 8, p => p.Title = "other");
        db.Expect(Outcome.Hit, query, cache: false);
        db.Update<Photo>(p => p.Id == 7, p => p.Title = "renamed");
        var photo = (Photo)db.Expect(Outcome.Miss, query, cache: false)!;
        Assert.Equal("renamed", photo.Title);
    }

    [Fact]
    public void GetQuery_CacheGetFalse_RunsUncachedWithoutCounting()
    {
        using var db = new TestDb(new QueryCacheOptions { CacheGet = false });
        db.Expect<Photo>(Outcome.Uncached, q => q.First(p => p.Id == 7), cache: false);
        db.Expect<Photo>(Outcome.Uncached, q => q.First(p => p.Id == 7), cache: false);

        // An explicit Cache() still caches.
        db.Prime<Photo>(q => q.First(p => p.Id == 7));
    }

    [Fact]
    public void GetQuery_TypeInCacheGetDisabledFor_RunsUncachedButExplicitCacheWorks()
    {
        var options = new QueryCacheOptions();
        options.CacheGetDisabledFor.Add(typeof(Photo));
        using var db = new TestDb(options);
        db.Expect<Photo>(Outcome.Uncached, q => q.FirstOrDefault(p => p.Id == 7), cache: false);
        db.Expect<Photo>(Outcome.Uncached, q => q.FirstOrDefault(p => p.Id == 7), cache: false);
        db.Prime<Photo>(q => q.FirstOrDefault(p => p.Id == 7));

        // Other entity types keep get-caching.
        db.Prime<User>(q => q.First(u => u.Id == 2), cache: false);
    }

    [Fact]
    public void GetQuery_EntityWithCacheBotEntityCacheGetFalse_RunsUncached()
    {
        using var db = new TestDb();
        db.Expect<AuditRecord>(Outcome.Uncached, q => q.First(a => a.RecordNo == 1), cache: false);
        db.Expect<AuditRecord>(Outcome.Uncached, q => q.Single(a => a.RecordNo == 2), cache: false);
        db.Prime<AuditRecord>(q => q.Single(a => a.RecordNo == 2));
    }

    [Fact]
    public void NoCache_OnGetQuery_RunsUncachedWithoutCounting()
    {
        using var db = new TestDb();
        Photo? photo = null;
        Assert.Equal(Outcome.Uncached, db.Measure(() => photo = db.Photos.NoCache().First(p => p.Id == 7)));
        Assert.Equal(Outcome.Uncached, db.Measure(() => photo = db.Photos.NoCache().First(p => p.Id == 7)));
        Assert.Equal(7, photo!.Id);
        Assert.Equal((0L, 0L, 0L), (db.Cache.Statistics.Hits, db.Cache.Statistics.Misses, db.Cache.Statistics.Stores));
    }

    [Fact]
    public void NoCache_CombinedWithCache_NoCacheWins()
    {
        using var db = new TestDb();
        List<Photo> list = [];
        Assert.Equal(Outcome.Uncached, db.Measure(() => list = db.Photos.Cache().NoCache().Where(p => p.UserId == 1).ToList()));
        Assert.Equal(Outcome.Uncached, db.Measure(() => list = db.Photos.NoCache().Cache().Where(p => p.UserId == 1).ToList()));
        Assert.Equal(db.PhotoRows.Count(p => p.UserId == 1), list.Count);
    }

    [Fact]
    public void PlainQuery_NoCacheAndNotAGet_LeavesStatisticsUntouched()
    {
        using var db = new TestDb();
        var list = db.Photos.Where(p => p.UserId == 1).ToList();
        var count = db.Photos.Count(p => p.Status == 1);
        Assert.Equal(db.PhotoRows.Count(p => p.UserId == 1), list.Count);
        Assert.Equal(db.PhotoRows.Count(p => p.Status == 1), count);
        Assert.Equal((0L, 0L, 0L, 0L), (db.Cache.Statistics.Hits, db.Cache.Statistics.Misses, db.Cache.Statistics.Stores, db.Cache.Statistics.Bypasses));

        // And it sees live data (nothing is cached behind its back).
        db.Silently<Photo>(p => p.UserId == 1, p => p.UserId = 2);
        Assert.Empty(db.Photos.Where(p => p.UserId == 1).ToList());
    }

    [Fact]
    public void IgnoredTables_QueryOnIgnoredTable_BypassesWithCorrectResult()
    {
        var options = new QueryCacheOptions();
        options.IgnoredTables.Add("photos");
        using var db = new TestDb(options);
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => p.UserId == 1).ToList());
        db.Expect<Photo>(Outcome.Bypass, q => q.First(p => p.Id == 3), cache: false);
        db.Silently<Photo>(p => p.Id == 3, p => p.Title = "unseen");
        Assert.Equal("unseen", ((Photo)db.Expect<Photo>(Outcome.Bypass, q => q.First(p => p.Id == 3), cache: false)!).Title);
        Assert.Equal(3, db.Cache.Statistics.Bypasses);
        Assert.Equal(0, db.Cache.Statistics.Stores);

        // A query on another table is still cached.
        db.Prime<User>(q => q.Where(u => u.Id == 1).ToList());
    }

    [Fact]
    public void IgnoredTables_TableReachedThroughNavigation_Bypasses()
    {
        var options = new QueryCacheOptions();
        options.IgnoredTables.Add("Users");
        using var db = new TestDb(options);
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => p.User.Name == "david").ToList());
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => db.RawUsers.Any(u => u.Id == p.UserId)).ToList());
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList());
    }

    [Fact]
    public void CopyOnRead_MutatedEntityFromGet_NextHitUnaffected()
    {
        using var db = new TestDb();
        var miss = db.Photos.First(p => p.Id == 5);
        miss.Title = "mutated by caller";
        var hit = db.Photos.First(p => p.Id == 5);
        Assert.Equal(1, db.Cache.Statistics.Hits);
        Assert.Equal("t5", hit.Title);
        hit.Title = "mutated again";
        hit.Likes = -1;
        var again = db.Photos.First(p => p.Id == 5);
        Assert.Equal(("t5", 50), (again.Title, again.Likes));
        Assert.NotSame(hit, again);
    }

    [Fact]
    public void CopyOnRead_MutatedList_NextHitUnaffected()
    {
        using var db = new TestDb();
        var miss = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        var expected = Canonical.Of(miss);
        miss[0].Title = "changed";
        miss.Clear();
        var hit = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(expected, Canonical.Of(hit));
        hit[0].Status = 99;
        hit.RemoveAt(0);
        Assert.Equal(expected, Canonical.Of(db.Photos.Cache().Where(p => p.UserId == 1).ToList()));
        Assert.Equal(2, db.Cache.Statistics.Hits);
    }

    [Fact]
    public void CopyOnRead_EntityWithNavigationObjectAndCollection_DeepCopied()
    {
        using var db = new TestDb();
        // On LINQ-to-Objects a miss hands out the live objects (a database would materialise new ones), so only hits are mutated here.
        db.Photos.Cache().Where(p => p.Id == 2).ToList();
        var first = db.Photos.Cache().Where(p => p.Id == 2).ToList();
        var tagCount = first[0].Tags.Count;
        Assert.True(tagCount > 0);
        first[0].User.Name = "hacked";
        first[0].Tags[0].Name = "hacked";
        first[0].Tags.Clear();

        var hit = db.Photos.Cache().Where(p => p.Id == 2).ToList();
        Assert.Equal(2, db.Cache.Statistics.Hits);
        Assert.Equal(db.UserRows.Single(u => u.Id == hit[0].UserId).Name, hit[0].User.Name);
        Assert.Equal(tagCount, hit[0].Tags.Count);
        Assert.DoesNotContain(hit[0].Tags, t => t.Name == "hacked");

        // The live rows were never touched either.
        Assert.DoesNotContain(db.UserRows, u => u.Name == "hacked");
    }

    [Fact]
    public void CopyOnRead_UserWithPhotoCollectionCycle_CopiedAndCycleKept()
    {
        using var db = new TestDb();
        db.Users.Cache().Single(u => u.Id == 2);
        var user = db.Users.Cache().Single(u => u.Id == 2);
        user.Photos[0].Title = "hacked";
        var hit = db.Users.Cache().Single(u => u.Id == 2);
        Assert.Equal(2, db.Cache.Statistics.Hits);
        Assert.DoesNotContain(hit.Photos, p => p.Title == "hacked");
        Assert.Same(hit, hit.Photos[0].User);
    }

    [Fact]
    public void CopyOnRead_AnonymousProjectionHoldingEntity_Copied()
    {
        using var db = new TestDb();
        db.Photos.Cache().Where(p => p.Id == 3).Select(p => new { p.Title, p.User }).ToList();
        var first = db.Photos.Cache().Where(p => p.Id == 3).Select(p => new { p.Title, p.User }).ToList();
        first[0].User.Name = "hacked";
        var hit = db.Photos.Cache().Where(p => p.Id == 3).Select(p => new { p.Title, p.User }).ToList();
        Assert.Equal(2, db.Cache.Statistics.Hits);
        Assert.NotEqual("hacked", hit[0].User.Name);
    }

    [Fact]
    public void SharedResults_Hits_ReturnTheSameInstances()
    {
        using var db = new TestDb();
        var shared = new CacheQueryOptions { SharedResults = true };
        var a = db.Photos.Cache(shared).Where(p => p.UserId == 1).ToList();
        var b = db.Photos.Cache(shared).Where(p => p.UserId == 1).ToList();
        var c = db.Photos.Cache(shared).Where(p => p.UserId == 1).ToList();
        Assert.Equal(2, db.Cache.Statistics.Hits);
        Assert.Same(b[0], c[0]);
        Assert.Same(a[0], b[0]);

        var g1 = db.Photos.Cache(shared).First(p => p.Id == 4);
        var g2 = db.Photos.Cache(shared).First(p => p.Id == 4);
        Assert.Same(g1, g2);

        // Without the option the same query shape returns copies.
        var d = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        var e = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        Assert.NotSame(d[0], e[0]);
    }

    [Fact]
    public void TimeToLive_DefaultElapsed_EntryExpires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var db = new TestDb(new QueryCacheOptions { TimeProvider = clock, DefaultTimeToLive = TimeSpan.FromMinutes(5) });
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList());
        clock.Advance(TimeSpan.FromMinutes(4));
        db.Expect<Photo>(Outcome.Hit, q => q.Where(p => p.UserId == 1).ToList());
        clock.Advance(TimeSpan.FromMinutes(1));
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 1).ToList());
        db.Expect<Photo>(Outcome.Hit, q => q.Where(p => p.UserId == 1).ToList());
    }

    [Fact]
    public void TimeToLive_PerQueryOption_OverridesDefault()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var db = new TestDb(new QueryCacheOptions { TimeProvider = clock });
        var shortLived = new CacheQueryOptions { TimeToLive = TimeSpan.FromSeconds(30) };
        db.Photos.Cache(shortLived).Where(p => p.UserId == 1).ToList();
        db.Photos.Cache(shortLived).Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, db.Cache.Statistics.Hits);
        clock.Advance(TimeSpan.FromSeconds(31));
        db.Photos.Cache(shortLived).Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, db.Cache.Statistics.Hits);
        Assert.Equal(2, db.Cache.Statistics.Misses);
    }

    [Fact]
    public void CachePath_UnknownMember_ThrowsArgumentExceptionNamingPathAndType()
    {
        using var db = new TestDb();
        var ex = Assert.ThrowsAny<ArgumentException>(() => db.Photos.Cache("NoSuch.Path"));
        Assert.Contains("NoSuch.Path", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Photo), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CachePath_LambdaThatIsNotAMemberChain_ThrowsArgumentException()
    {
        using var db = new TestDb();
        var ex = Assert.ThrowsAny<ArgumentException>(() => db.Photos.Cache(p => p.UserId + 1));
        Assert.Contains(nameof(Photo), ex.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => db.Photos.Cache(p => "constant"));
    }

    [Fact]
    public void CachePath_ValidPaths_Accepted()
    {
        using var db = new TestDb();
        db.Prime<Comment>(q => q.Where(c => c.Message.Sender.Id == 1).ToList(), cacheCall: q => q.Cache("Message.Sender", "Message"));
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList(), cacheCall: q => q.Cache(p => p.User, p => p.Album));
    }

    [Fact]
    public void Cache_OnQueryCacheBotDoesNotWrap_ThrowsActionableInvalidOperation()
    {
        var list = new List<Photo> { new() { Id = 1 } };
        var ex = Assert.Throws<InvalidOperationException>(() => list.AsQueryable().Cache());
        Assert.Contains("AsCacheBot", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => list.AsQueryable().NoCache());
        Assert.Throws<InvalidOperationException>(() => list.AsQueryable().Cache(p => p.User));
    }

    [Fact]
    public void Cache_AfterAsEnumerable_ThrowsInvalidOperation()
    {
        using var db = new TestDb();
        Assert.Throws<InvalidOperationException>(() => db.Photos.ToList().AsQueryable().Cache());
    }

    [Fact]
    public void Aggregates_CachedAndInvalidatedByMatchingWrite()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> count = q => q.Count(p => p.Status == 1);
        Func<IQueryable<Photo>, object?> sum = q => q.Where(p => p.UserId == 2).Sum(p => p.Likes);
        Func<IQueryable<Photo>, object?> any = q => q.Any(p => p.UserId == 3 && p.IsPublic);
        Func<IQueryable<Photo>, object?> max = q => q.Where(p => p.UserId == 2).Max(p => p.Likes);
        foreach (var query in new[] { count, sum, any, max })
        {
            db.Prime(query);
        }

        // Status 1 row of user 2 changes its likes: sum and max (user 2, reading Likes) invalidated; count (Status 1) reads
        // no Likes and any (user 3) no such row: both kept.
        var target = db.PhotoRows.First(p => p.UserId == 2 && p.Status == 1);
        db.Update<Photo>(p => p.Id == target.Id, p => p.Likes = 1000);
        db.Expect(Outcome.Hit, count);
        db.Expect(Outcome.Miss, sum);
        db.Expect(Outcome.Miss, max);
        db.Expect(Outcome.Hit, any);

        // A user 4 row with Status 0 moves to Status 2: nothing above depends on it.
        var other = db.PhotoRows.First(p => p.UserId == 4 && p.Status == 0);
        db.Update<Photo>(p => p.Id == other.Id, p => p.Status = 2);
        foreach (var query in new[] { count, sum, any, max })
        {
            db.Expect(Outcome.Hit, query);
        }

        // A public photo moves to user 3: any() was true and an arrival cannot change that (monotone existence), so it is
        // kept; a public photo of user 3 leaving can, so that invalidates it.
        Assert.Equal(true, db.Expect(Outcome.Hit, any));
        var mover = db.PhotoRows.First(p => p.UserId != 3 && p.IsPublic);
        db.Update<Photo>(p => p.Id == mover.Id, p => p.UserId = 3);
        db.Expect(Outcome.Hit, any);
        var leaver = db.PhotoRows.First(p => p.UserId == 3 && p.IsPublic);
        db.Update<Photo>(p => p.Id == leaver.Id, p => p.UserId = 1);
        db.Expect(Outcome.Miss, any);
    }

    [Fact]
    public void Projections_ScalarAndAnonymous_CachedAndInvalidated()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> titles = q => q.Where(p => p.UserId == 1).Select(p => p.Title).ToList();
        Func<IQueryable<Photo>, object?> anon = q => q.Where(p => p.UserId == 1).Select(p => new { p.Id, p.Title, p.Likes }).ToList();
        db.Prime(titles);
        db.Prime(anon);
        db.Update<Photo>(p => p.UserId == 2, p => p.Title = "elsewhere");
        db.Expect(Outcome.Hit, titles);
        db.Expect(Outcome.Hit, anon);
        db.Update<Photo>(p => p.UserId == 1, p => p.Title = "renamed");
        var fresh = (List<string>)db.Expect(Outcome.Miss, titles)!;
        Assert.Contains("renamed", fresh);
        db.Expect(Outcome.Miss, anon);
    }

    [Fact]
    public void Projection_OfNavigationValue_InvalidatedWhenRelatedRowChanges()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Id == 1).Select(p => new { p.Title, Owner = p.User.Name }).ToList();
        db.Prime(query);
        var owner = db.PhotoRows.Single(p => p.Id == 1).UserId;
        db.Update<User>(u => u.Id == owner, u => u.Name = "renamed");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public async Task AsyncEnumeration_CachedQuery_MissThenHitWithSameRows()
    {
        using var db = new TestDb();
        var token = TestContext.Current.CancellationToken;
        var first = new List<Photo>();
        await foreach (var p in ((IAsyncEnumerable<Photo>)db.Photos.Cache().Where(p => p.UserId == 2)).WithCancellation(token))
        {
            first.Add(p);
        }

        var second = new List<Photo>();
        await foreach (var p in ((IAsyncEnumerable<Photo>)db.Photos.Cache().Where(p => p.UserId == 2)).WithCancellation(token))
        {
            second.Add(p);
        }

        Assert.Equal(1, db.Cache.Statistics.Misses);
        Assert.Equal(1, db.Cache.Statistics.Hits);
        Assert.Equal(Canonical.Of(db.PhotoRows.Where(p => p.UserId == 2)), Canonical.Of(second));
        Assert.Equal(Canonical.Of(first), Canonical.Of(second));

        db.Update<Photo>(p => p.UserId == 2, p => p.Title = "async");
        var third = new List<Photo>();
        await foreach (var p in ((IAsyncEnumerable<Photo>)db.Photos.Cache().Where(p => p.UserId == 2)).WithCancellation(token))
        {
            third.Add(p);
        }

        Assert.Contains(third, p => p.Title == "async");
        Assert.Equal(2, db.Cache.Statistics.Misses);
    }

    [Fact]
    public void AsCacheBot_SameSourceTwice_SharesEntries()
    {
        using var db = new TestDb();
        var again = db.RawPhotos.AsCacheBot(db.Cache);
        db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        again.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, db.Cache.Statistics.Hits);
        Assert.Same(again, again.AsCacheBot(db.Cache));
    }

    [Fact]
    public void AsCacheBot_DifferentDatabases_NeverShareEntries()
    {
        using var db = new TestDb();
        var other = db.RawPhotos.AsCacheBot(db.Cache, "other");
        db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        other.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(0, db.Cache.Statistics.Hits);
        Assert.Equal(2, db.Cache.Statistics.Misses);

        // A write in database "other" does not invalidate "default", and vice versa.
        var row = db.PhotoRows.First(p => p.UserId == 1);
        db.Cache.NotifyUpdated(row, row, "other");
        db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, db.Cache.Statistics.Hits);
        other.Cache().Where(p => p.UserId == 1).ToList();
        Assert.Equal(1, db.Cache.Statistics.Hits);
    }
}

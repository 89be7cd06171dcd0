using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>A client-side method CacheBot knows nothing about.</summary>
public static class MyClock
{
    public static int Now() => Environment.TickCount;
}

/// <summary>The manual invalidation API, granularity options, refused queries and write scopes.</summary>
public sealed class InvalidationApiTests
{
    private static readonly Func<IQueryable<Photo>, object?> UserOnePhotos = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
    private static readonly Func<IQueryable<User>, object?> UserTwo = q => q.Where(u => u.Id == 2).ToList();

    [Fact]
    public void InvalidateAll_EveryEntryMisses()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Prime(UserTwo);
        db.Cache.InvalidateAll();
        db.Expect(Outcome.Miss, UserOnePhotos);
        db.Expect(Outcome.Miss, UserTwo);
        db.Expect(Outcome.Hit, UserTwo);
    }

    [Fact]
    public void InvalidateTable_OnlyThatTableMisses()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Prime(UserTwo);
        db.Cache.InvalidateTable<Photo>();
        db.Expect(Outcome.Miss, UserOnePhotos);
        db.Expect(Outcome.Hit, UserTwo);
    }

    [Fact]
    public void NotifyTableChanged_ByName_AfterUnreportedBulkChange_ServesTheNewAnswer()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Prime(UserTwo);
        db.Silently<Photo>(p => p.UserId == 3, p => (p.UserId, p.Status) = (1, 2));
        db.Cache.NotifyTableChanged("Photos");
        var result = (List<Photo>)db.Expect(Outcome.Miss, UserOnePhotos)!;
        Assert.Equal(4, result.Count);
        db.Expect(Outcome.Hit, UserTwo);
    }

    [Fact]
    public void NotifyTableChanged_Generic_InvalidatesQueriesReachingTheTableByNavigation()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.User.Name == "alice").ToList();
        db.Prime(query);
        db.Silently<User>(u => u.Id == 2, u => u.Name = "alice");
        db.Cache.NotifyTableChanged<User>();
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void NotifyTableChanged_OtherTableName_KeepsEntries()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Cache.NotifyTableChanged("Albums");
        db.Cache.NotifyTableChanged("Photos", "another-database");
        db.Expect(Outcome.Hit, UserOnePhotos);
    }

    [Fact]
    public void Invalidate_Entity_InvalidatesQueriesOnItsRowOnly()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> byId = q => q.Where(p => p.Id == 8).ToList();
        db.Prime(UserOnePhotos);
        db.Prime(byId);
        db.Prime(UserTwo);
        db.Cache.Invalidate(db.PhotoRows.Single(p => p.Id == 1));
        db.Expect(Outcome.Hit, UserOnePhotos);
        db.Expect(Outcome.Hit, byId);
        db.Cache.Invalidate(db.PhotoRows.Single(p => p.Id == 8));
        db.Expect(Outcome.Miss, UserOnePhotos);
        db.Expect(Outcome.Miss, byId);
        db.Expect(Outcome.Hit, UserTwo);
    }

    [Fact]
    public void Notify_NotAnEntityType_ThrowsArgumentException()
    {
        using var db = new TestDb();
        Assert.Throws<ArgumentException>(() => db.Cache.NotifyInserted("a string"));
        Assert.Throws<ArgumentNullException>(() => db.Cache.NotifyUpdated<Photo>(null!, new Photo()));
        Assert.ThrowsAny<ArgumentException>(() => db.Cache.NotifyTableChanged(" "));
    }

    [Fact]
    public void Granularity_PerTable_AnyWriteOnTheTableInvalidates()
    {
        using var db = new TestDb(new QueryCacheOptions { Granularity = InvalidationGranularity.PerTable });
        db.Prime(UserOnePhotos);
        db.Prime(UserTwo);
        db.Update<User>(u => u.Id == 3, u => u.Age++);
        db.Expect(Outcome.Hit, UserOnePhotos);
        db.Expect(Outcome.Miss, UserTwo);
        db.Update<Photo>(p => p.UserId == 4 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Miss, UserOnePhotos);
    }

    [Fact]
    public void Granularity_PerField_AnySingleMatchingFieldInvalidates()
    {
        using var db = new TestDb(new QueryCacheOptions { Granularity = InvalidationGranularity.PerField });
        db.Prime(UserOnePhotos);
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Hit, UserOnePhotos);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Miss, UserOnePhotos);
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 2, p => p.Likes++);
        db.Expect(Outcome.Miss, UserOnePhotos);
    }

    [Fact]
    public void Granularity_Conjunctive_SameWritesKeepTheEntry()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Likes++);
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 2, p => p.Likes++);
        db.Expect(Outcome.Hit, UserOnePhotos);
    }

    [Fact]
    public void Refused_DateTimeNow_BypassesEveryTimeAndStaysCorrect()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Likes < DateTime.Now.Year).ToList();
        db.Expect(Outcome.Bypass, query);
        db.Expect(Outcome.Bypass, query);
        db.Silently<Photo>(p => p.Id == 1, p => p.Likes = 1_000_000);
        db.Expect(Outcome.Bypass, query);
        Assert.Equal(0, db.Cache.Statistics.Stores);
    }

    [Fact]
    public void Refused_GuidNewGuid_Bypasses()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Title != Guid.NewGuid().ToString()).Select(p => p.Id).ToList();
        db.Expect(Outcome.Bypass, query);
        db.Expect(Outcome.Bypass, query);
    }

    [Fact]
    public void Refused_UnknownClientMethod_BypassesAndStaysCorrect()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Likes > MyClock.Now() % 2).ToList();
        db.Expect(Outcome.Bypass, query);
        db.Expect(Outcome.Bypass, query);
        Func<IQueryable<Photo>, object?> get = q => q.FirstOrDefault(p => p.Id == MyClock.Now() % 1 + 1);
        db.Expect(Outcome.Bypass, get, cache: false);
        Assert.Equal(3, db.Cache.Statistics.Bypasses);
        Assert.Equal(0, db.Cache.Statistics.Stores);
    }

    [Fact]
    public void Refused_NonDeterministicInProjection_Bypasses()
    {
        using var db = new TestDb();
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => p.UserId == 1).Select(p => new { p.Id, At = DateTime.UtcNow.Year }).ToList());
    }

    [Fact]
    public void WriteScope_Completed_AppliesWritesOnDispose()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        using (var scope = db.Cache.BeginWriteScope())
        {
            db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Status = 2);
            scope.Complete();

            // Not applied yet: the entry's stamps are unchanged until the scope ends.
            Assert.Equal(0, db.Cache.Statistics.Invalidations);
        }

        db.Expect(Outcome.Miss, UserOnePhotos);
    }

    [Fact]
    public void WriteScope_NotCompleted_DropsWrites()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        using (db.Cache.BeginWriteScope())
        {
            db.Cache.NotifyUpdated(db.PhotoRows.First(p => p.UserId == 1), db.PhotoRows.First(p => p.UserId == 1));
            db.Cache.InvalidateTable<Photo>();
        }

        // Rolled back: nothing changed, the entry is still served.
        db.Expect(Outcome.Hit, UserOnePhotos);
    }

    [Fact]
    public void WriteScope_Nested_OnlyOutermostDecides()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        using (var outer = db.Cache.BeginWriteScope())
        {
            using (var inner = db.Cache.BeginWriteScope())
            {
                db.Cache.InvalidateTable<Photo>();
                inner.Complete();
            }

            Assert.Equal(0, db.Cache.Statistics.Invalidations);
        }

        db.Expect(Outcome.Hit, UserOnePhotos);

        using (var outer = db.Cache.BeginWriteScope())
        {
            using (db.Cache.BeginWriteScope())
            {
                db.Update<Photo>(p => p.UserId == 1 && p.Status == 2, p => p.Likes++);
            }

            outer.Complete();
        }

        db.Expect(Outcome.Miss, UserOnePhotos);
    }

    [Fact]
    public void WriteScope_ReadsInside_BypassTheCache()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        db.Prime(UserTwo);
        using (var scope = db.Cache.BeginWriteScope())
        {
            db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Status = 2);

            // Inside the scope the cache neither serves the (now stale) entry nor stores the uncommitted answer.
            var inside = (List<Photo>)db.Expect(Outcome.Bypass, UserOnePhotos)!;
            Assert.Equal(2, inside.Count);
            db.Expect(Outcome.Bypass, UserTwo);
            scope.Complete();
        }

        db.Expect(Outcome.Miss, UserOnePhotos);
        db.Expect(Outcome.Hit, UserTwo);
    }

    [Fact]
    public void WriteScope_CompleteAfterDispose_Throws()
    {
        using var db = new TestDb();
        var scope = db.Cache.BeginWriteScope();
        scope.Dispose();
        Assert.Throws<ObjectDisposedException>(scope.Complete);
    }

    [Fact]
    public async Task WriteScope_OnAnotherAsyncFlow_DoesNotMakeThisFlowBypass()
    {
        using var db = new TestDb();
        db.Prime(UserOnePhotos);
        var opened = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var other = Task.Run(
            async () =>
            {
                using var scope = db.Cache.BeginWriteScope();
                opened.SetResult();
                await release.Task;
            },
            TestContext.Current.CancellationToken);
        await opened.Task;
        db.Expect(Outcome.Hit, UserOnePhotos);
        release.SetResult();
        await other;
    }
}

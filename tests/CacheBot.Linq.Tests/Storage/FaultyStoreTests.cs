using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Storage;

public sealed class FaultyStoreTests
{
    private static TestDb Create(ChaosStore store) => new(new QueryCacheOptions { ResultStore = store });

    [Fact]
    public void Store_AlwaysThrows_QueriesReturnLiveAnswersWithoutException()
    {
        var store = new ChaosStore();
        store.SetAlwaysThrow(true);
        using var db = Create(store);
        for (var round = 0; round < 3; round++)
        {
            var list = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
            Assert.Equal(Canonical.Of(db.PhotoRows.Where(p => p.UserId == 1)), Canonical.Of(list));
            Assert.Equal(db.PhotoRows.Single(p => p.Id == 3).Title, db.Photos.First(p => p.Id == 3).Title);
            Assert.Equal(db.PhotoRows.Count(p => p.Status == 2), db.Photos.Cache().Count(p => p.Status == 2));
            db.Update<Photo>(p => p.UserId == 1, p => p.Title = "round" + round);
        }

        Assert.Equal(0, db.Cache.Statistics.Hits);
        Assert.Equal(0, db.Cache.Statistics.Stores);
        Assert.True(store.Gets > 0);
        Assert.True(db.Cache.Statistics.Bypasses >= 9, "a store that fails on lookup makes every cacheable query a bypass");
    }

    [Fact]
    public void Store_ThrowsOnGetOnly_NeverServesAndNeverFails()
    {
        var store = new ChaosStore { ThrowOnGet = true };
        using var db = Create(store);
        // A failing lookup is a bypass: the query runs uncached and the broken store is not filled either.
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => p.UserId == 2).ToList());
        db.Expect<Photo>(Outcome.Bypass, q => q.Where(p => p.UserId == 2).ToList());

        // Once the store recovers, caching resumes and entries are invalidated as usual.
        store.ThrowOnGet = false;
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 2).ToList());
        db.Expect<Photo>(Outcome.Hit, q => q.Where(p => p.UserId == 2).ToList());
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes = -5);
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 2).ToList());
    }

    [Fact]
    public void Store_ThrowsOnStoreOnly_QueryStillAnswersAndRecovers()
    {
        var store = new ChaosStore { ThrowOnStore = true };
        using var db = Create(store);
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.Status == 1).ToList());
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.Status == 1).ToList());
        Assert.Equal(0, db.Cache.Statistics.Stores);
        store.ThrowOnStore = false;
        db.Prime<Photo>(q => q.Where(p => p.Status == 1).ToList());
    }

    [Fact]
    public async Task Store_AlwaysThrows_AsyncEnumerationStillAnswers()
    {
        var store = new ChaosStore();
        store.SetAlwaysThrow(true);
        using var db = Create(store);
        var rows = new List<Photo>();
        await foreach (var p in ((IAsyncEnumerable<Photo>)db.Photos.Cache().Where(p => p.UserId == 3)).WithCancellation(TestContext.Current.CancellationToken))
        {
            rows.Add(p);
        }

        Assert.Equal(Canonical.Of(db.PhotoRows.Where(p => p.UserId == 3)), Canonical.Of(rows));
    }

    [Fact]
    public void Store_LosesEveryEntry_EveryRunIsAMissWithTheRightAnswer()
    {
        var store = new ChaosStore { LoseEntries = true };
        using var db = Create(store);
        for (var i = 0; i < 3; i++)
        {
            db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 1 && p.Status == 1).ToList());
        }

        Assert.Equal(3, db.Cache.Statistics.Stores);
        Assert.Equal(0, db.Cache.Statistics.Hits);
    }

    [Fact]
    public void Store_ClearedLikeARestart_CostsAMissOnly()
    {
        var store = new ChaosStore();
        using var db = Create(store);
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList());
        store.Clear();
        db.Prime<Photo>(q => q.Where(p => p.UserId == 1).ToList());
    }

    [Fact]
    public void Store_DelayedWriteLandsAfterInvalidatingWrite_StaleEntryNeverServed()
    {
        var store = new ChaosStore { DelayStores = true };
        using var db = Create(store);

        // The query runs and its store is held back; a write then changes the result; the old store lands late.
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 4).ToList());
        db.Update<Photo>(p => p.UserId == 4, p => p.Title = "after the query");
        store.Flush();

        // The late entry holds stamps from before the write: it must not validate.
        var answer = (List<Photo>)db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 4).ToList())!;
        Assert.Contains(answer, p => p.Title == "after the query");
        store.Flush();
        db.Expect<Photo>(Outcome.Hit, q => q.Where(p => p.UserId == 4).ToList());
    }

    [Fact]
    public void Store_DelayedWriteWithUnrelatedWrite_ServedOnceLanded()
    {
        var store = new ChaosStore { DelayStores = true };
        using var db = Create(store);
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 4).ToList());
        db.Expect<Photo>(Outcome.Miss, q => q.Where(p => p.UserId == 4).ToList());
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Title = "unrelated");
        store.Flush();
        db.Expect<Photo>(Outcome.Hit, q => q.Where(p => p.UserId == 4).ToList());
    }
}

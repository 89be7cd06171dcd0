using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary><c>Explain()</c> over LINQ-to-Objects: intent, decision, dependencies, time to live, entry state; it runs nothing.</summary>
public sealed class ExplainTests
{
    [Fact]
    public void Explain_CachedConjunction_ListsTheTupleAndTheDefaultTimeToLive()
    {
        using var db = new TestDb();
        var uid = 1;

        var e = db.Photos.Cache().Where(p => p.UserId == uid && p.Status == 2).Explain();

        Assert.True(e.IsCacheable);
        Assert.Null(e.Reason);
        Assert.Equal(CacheIntent.Cache, e.Intent);
        Assert.Equal(CacheDecision.Cached, e.Decision);
        Assert.Equal("Photos.Cache().Where(p => p.UserId == @0 && p.Status == @1).ToList()", e.Shape);
        var dependency = Assert.Single(e.Dependencies);
        Assert.Equal("Photos", dependency.Table);
        Assert.Equal(["UserId", "Status"], dependency.Columns);
        Assert.Equal([1, 2], Assert.Single(dependency.Values));
        Assert.Equal("Photos (UserId, Status) = (1, 2)", dependency.ToString());
        Assert.Equal(["Photos"], e.Tables);
        Assert.Equal(db.Cache.Options.DefaultTimeToLive, e.TimeToLive);
        Assert.Equal(CacheEntryStatus.Absent, e.Entry);
    }

    [Fact]
    public void Explain_RunsNoQueryAndMovesNoCounter()
    {
        using var db = new TestDb();
        var rows = new CountingList<Photo>(db.PhotoRows);
        var photos = rows.AsQueryable().AsCacheBot(db.Cache);

        _ = photos.Cache().Where(p => p.UserId == 1).Explain();
        _ = photos.Explain(q => q.First(p => p.Id == 7));

        Assert.Equal(0, rows.Enumerations);
        Assert.Equal((0L, 0L, 0L, 0L), (db.Cache.Statistics.Hits, db.Cache.Statistics.Misses, db.Cache.Statistics.Bypasses, db.Cache.Statistics.Stores));
    }

    [Fact]
    public void Explain_Navigation_DependsOnTheUserNameAndAnyPhoto()
    {
        using var db = new TestDb();

        var e = db.Photos.Cache().Where(p => p.User.Name == "david").Explain();

        Assert.Contains(e.Dependencies, d => d.Table == "Users" && d.Columns.SequenceEqual(["Name"]) && Equals(d.Values.Single().Single(), "david"));
        Assert.Contains(e.Dependencies, d => d.Table == "Photos" && d.IsAnyRow);
        Assert.Contains("Photos: any row", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Contains_OneTuplePerValue()
    {
        using var db = new TestDb();
        int[] ids = [3, 5, 8];

        var e = db.Photos.Cache().Where(p => ids.Contains(p.Id)).Explain();

        var dependency = Assert.Single(e.Dependencies);
        Assert.Equal([3, 5, 8], dependency.Values.Select(t => (int)t[0]!).Order());
        Assert.Equal("Photos (Id) in {3, 5, 8}", dependency.ToString());
    }

    [Fact]
    public void Explain_TerminalGet_IsCachedByDefault()
    {
        using var db = new TestDb();

        var e = db.Photos.Explain(q => q.First(p => p.Id == 7));

        Assert.Equal(CacheIntent.Get, e.Intent);
        Assert.True(e.IsCacheable);
        Assert.Equal("Photos.First(p => p.Id == @0)", e.Shape);
        Assert.Equal("Photos (Id) = 7", Assert.Single(e.Dependencies).ToString());
    }

    [Fact]
    public void Explain_TerminalWithoutCache_IsNotRequested()
    {
        using var db = new TestDb();

        var count = db.Photos.Explain(q => q.Count(p => p.Status == 1));
        var list = db.Photos.Where(p => p.Status == 1).Explain();

        Assert.Equal(CacheDecision.NotRequested, count.Decision);
        Assert.Equal(CacheIntent.None, count.Intent);
        Assert.Contains("does not call Cache()", count.Reason, StringComparison.Ordinal);
        Assert.Equal(CacheDecision.NotRequested, list.Decision);
        Assert.Empty(list.Dependencies);
    }

    [Fact]
    public void Explain_NoCache_WinsAndSaysSo()
    {
        using var db = new TestDb();

        var e = db.Photos.Cache().NoCache().Explain(q => q.First(p => p.Id == 7));

        Assert.Equal(CacheIntent.NoCache, e.Intent);
        Assert.False(e.IsCacheable);
        Assert.Equal("NoCache() was called", e.Reason);
    }

    [Fact]
    public void Explain_GetWithCacheGetOff_SaysHowToCacheIt()
    {
        using var db = new TestDb(new QueryCacheOptions { CacheGet = false });

        var e = db.Photos.Explain(q => q.FirstOrDefault(p => p.Id == 7));

        Assert.Equal(CacheDecision.NotRequested, e.Decision);
        Assert.Contains("CacheGet is off", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NotWrapped_SaysToCallAsCacheBot()
    {
        using var db = new TestDb();

        var e = db.RawPhotos.Where(p => p.Id == 1).Explain();

        Assert.Equal(CacheDecision.NotRequested, e.Decision);
        Assert.Contains("AsCacheBot()", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_PerQueryTimeToLive_IsReported()
    {
        using var db = new TestDb();

        var e = db.Photos.Cache(new CacheQueryOptions { TimeToLive = TimeSpan.FromSeconds(42) }).Where(p => p.Id == 1).Explain();

        Assert.Equal(TimeSpan.FromSeconds(42), e.TimeToLive);
        Assert.Contains("Time to live: 00:00:42", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_EntryState_FollowsRunsAndWrites()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 2).ToList();
        IQueryable<Photo> Query() => db.Photos.Cache().Where(p => p.UserId == 2);

        Assert.Equal(CacheEntryStatus.Absent, Query().Explain().Entry);
        db.Prime(query);
        Assert.Equal(CacheEntryStatus.Valid, Query().Explain().Entry);
        db.Update<Photo>(p => p.UserId == 2, p => p.Status = 9);
        Assert.Equal(CacheEntryStatus.Invalidated, Query().Explain().Entry);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Explain_CachePaths_NarrowOnlyThosePaths()
    {
        using var db = new TestDb();

        var e = db.Photos.Cache(p => p.User).Where(p => p.User.Name == "x" && p.Status == 2).Explain();

        Assert.Contains(e.Dependencies, d => d.Table == "Users" && d.Columns.SequenceEqual(["Name"]));
        Assert.Contains(e.Dependencies, d => d.Table == "Photos" && d.IsAnyRow);
        Assert.DoesNotContain(e.Dependencies, d => d.Columns.Contains("Status"));
        Assert.StartsWith("Photos.Cache(\"User\").Where(", e.Shape, StringComparison.Ordinal);
    }

    public static TheoryData<string> Queries => new(QueryCatalog.Names);

    /// <summary>The explanation must announce what the read path then does: cached (miss), bypassed/refused (bypass), not requested (straight through).</summary>
    [Theory]
    [MemberData(nameof(Queries))]
    public void Explain_Decision_MatchesWhatTheReadPathThenDoes(string name)
    {
        using var db = new TestDb();
        var (explain, run) = QueryCatalog.Get(name, db);

        var decision = explain().Decision;
        var outcome = db.Measure(run);

        var expected = decision switch
        {
            CacheDecision.Cached => Outcome.Miss,
            CacheDecision.NotRequested => Outcome.Uncached,
            _ => Outcome.Bypass,
        };
        Assert.Equal(expected, outcome);
    }

    /// <summary>A list that counts how often it is enumerated.</summary>
    private sealed class CountingList<T>(List<T> rows) : IEnumerable<T>
    {
        public int Enumerations { get; private set; }

        public IEnumerator<T> GetEnumerator()
        {
            Enumerations++;
            return rows.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

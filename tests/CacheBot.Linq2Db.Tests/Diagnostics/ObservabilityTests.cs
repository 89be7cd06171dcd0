using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Async;

namespace CacheBot.Linq2Db.Tests.Diagnostics;

/// <summary>Explain, TopShapes, traces and the duration histogram over linq2db, on SQLite and PostgreSQL.</summary>
public sealed class ObservabilityTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Explain_CachedQuery_ShowsDependenciesAndFollowsTheEntry(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var photos = db.GetTable<Photo>().AsCacheBot();
        var uid = 1;
        IQueryable<Photo> Query() => photos.Cache().Where(p => p.UserId == uid && p.Status == 1);

        var before = Query().Explain();
        test.Counter.Reset();

        Assert.Equal(0, test.Counter.Total);
        Assert.True(before.IsCacheable);
        Assert.Equal("Photo.Cache().Where(p => p.UserId == @0 && p.Status == @1).ToList()", before.Shape);
        Assert.Equal("Photo (UserId, Status) = (1, 1)", Assert.Single(before.Dependencies).ToString());
        Assert.Equal(test.DatabaseId, before.Dependencies[0].Database);
        Assert.Equal(CacheEntryStatus.Absent, before.Entry);

        _ = Query().ToList();
        Assert.Equal(CacheEntryStatus.Valid, Query().Explain().Entry);
        db.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Title, "changed").Update();
        Assert.Equal(CacheEntryStatus.Invalidated, Query().Explain().Entry);
        Assert.Equal(0, test.Cache.Statistics.Bypasses);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Explain_TerminalGetAndAsyncTwin_AreCachedGets(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var photos = db.GetTable<Photo>().AsCacheBot();

        var get = photos.Explain(q => q.First(p => p.Id == 7));
        var asyncGet = photos.Explain(q => q.FirstAsync(p => p.Id == 7, CancellationToken.None));
        var loaded = photos.Explain(q => q.LoadWith(p => p.User).Where(p => p.Id == 7).ToList());

        Assert.Equal((CacheIntent.Get, CacheDecision.Cached), (get.Intent, get.Decision));
        Assert.Equal("Photo.First(p => p.Id == @0)", get.Shape);
        Assert.Equal("Photo (Id) = 7", Assert.Single(get.Dependencies).ToString());
        Assert.Equal(get.Shape, asyncGet.Shape);
        Assert.Equal(CacheDecision.Cached, asyncGet.Decision);
        Assert.Equal(CacheDecision.NotRequested, loaded.Decision);
        Assert.Equal("Photo.LoadWith(p => p.User).Where(p => p.Id == @0).ToList()", loaded.Shape);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SqlCurrentTimestamp_ReasonReachesExplainAndTopShapes(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && Sql.CurrentTimestamp > new DateTime(2000, 1, 1));

        var explanation = query.Explain();
        _ = query.ToList();
        _ = await query.ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(CacheDecision.Refused, explanation.Decision);
        Assert.StartsWith("not deterministic: ", explanation.Reason, StringComparison.Ordinal);
        Assert.Contains("CurrentTimestamp", explanation.Reason, StringComparison.Ordinal);
        var shape = Assert.Single(test.Cache.Statistics.TopShapes());
        Assert.Equal(2, shape.Bypasses);
        Assert.Equal(explanation.Reason, shape.LastRefusalReason);
        Assert.Equal("Photo.Cache().Where(p => p.UserId == @0 && Sql.CurrentTimestamp > @1).ToList()", shape.Shape);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IgnoredTable_ReasonReachesExplainAndTopShapes(string provider)
    {
        var options = new QueryCacheOptions();
        options.IgnoredTables.Add("Photo");
        using var cache = new QueryCache(options);
        await using var test = await TestDb.CreateAsync(provider, cache);
        using var db = test.Open();
        var query = db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Any(p => p.Status == 1));

        var explanation = query.Explain();
        _ = query.ToList();

        Assert.Equal(CacheDecision.Refused, explanation.Decision);
        Assert.StartsWith("ignored table: ", explanation.Reason, StringComparison.Ordinal);
        Assert.Contains("Photo is in IgnoredTables", explanation.Reason, StringComparison.Ordinal);
        Assert.Equal(explanation.Reason, Assert.Single(cache.Statistics.TopShapes()).LastRefusalReason);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Transaction_ReasonReachesExplainAndTopShapes(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 2);

        CacheExplanation inside;
        using (var transaction = db.BeginTransaction())
        {
            inside = query.Explain();
            _ = query.ToList();
            transaction.Rollback();
        }

        var outside = query.Explain();
        Assert.Equal(CacheDecision.Bypassed, inside.Decision);
        Assert.Equal("inside a transaction: a transaction is open on this connection; reads there bypass the cache", inside.Reason);
        Assert.Equal("Photo (UserId) = 2", Assert.Single(inside.Dependencies).ToString());
        Assert.Equal(CacheDecision.Cached, outside.Decision);
        var shape = Assert.Single(test.Cache.Statistics.TopShapes());
        Assert.Equal(1, shape.Bypasses);
        Assert.StartsWith("inside a transaction: ", shape.LastRefusalReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TopShapes_MissesHitsAndInvalidations_ArePerShape(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var photos = db.GetTable<Photo>().AsCacheBot();
        IQueryable<Photo> ByUser(int userId) => photos.Cache().Where(p => p.UserId == userId);
        Photo? ById(int id) => photos.FirstOrDefault(p => p.Id == id);
        for (var user = 1; user <= TestDb.UserCount; user++)
        {
            _ = ByUser(user).ToList();
            _ = await ByUser(user).ToListAsync(TestContext.Current.CancellationToken);
            _ = ById(user);
        }

        db.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Status, 5).Update(); // photo 1 belongs to user 1
        _ = ByUser(1).ToList();
        _ = ById(1);
        _ = photos.FirstOrDefault(p => p.Id == 2); // a literal instead of a captured id: another key, the same shape text

        var top = test.Cache.Statistics.TopShapes();
        Assert.Equal(2, top.Count);
        Assert.Equal("Photo.Cache().Where(p => p.UserId == @0).ToList()", top[0].Shape);
        Assert.Equal((3L, 4L, 1L), (top[0].Hits, top[0].Misses, top[0].Invalidations));
        Assert.Equal("Photo.FirstOrDefault(p => p.Id == @0)", top[1].Shape);
        Assert.Equal((0L, 5L, 1L), (top[1].Hits, top[1].Misses, top[1].Invalidations));
        Assert.True(top[0].MeanMissLatency > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Activities_MissHasTheDatabaseQueryAsChild_AndWritesAreTraced(string provider)
    {
        var name = "l2db-trace-" + Guid.NewGuid().ToString("N");
        using var cache = new QueryCache(new QueryCacheOptions { CacheName = name });
        await using var test = await TestDb.CreateAsync(provider, cache);
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheBotDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var db = test.Open();
        var photos = db.GetTable<Photo>().AsCacheBot();

        _ = await photos.Cache().Where(p => p.UserId == 3).ToListAsync(TestContext.Current.CancellationToken);
        _ = photos.Cache().Where(p => p.UserId == 3).ToList();
        db.GetTable<Photo>().Where(p => p.UserId == 3).Set(p => p.Status, 7).Update();

        var queries = stopped.Where(a => a.OperationName == "cachebot.query" && Equals(a.GetTagItem("cachebot.cache.name"), name)).ToList();
        Assert.Equal(["miss", "hit"], queries.Select(a => (string?)a.GetTagItem("cachebot.request.result")));
        Assert.All(queries, a => Assert.Equal("Photo.Cache().Where(p => p.UserId == @0).ToList()", a.GetTagItem("cachebot.query.shape")));
        Assert.Single(stopped, a => a.OperationName == "cachebot.query.inner" && a.ParentSpanId == queries[0].SpanId);
        var write = Assert.Single(stopped, a => a.OperationName == "cachebot.writes.apply" && Equals(a.GetTagItem("cachebot.cache.name"), name));
        Assert.Equal("Photo", write.GetTagItem("cachebot.tables"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DurationHistogram_RecordsMissAndHit(string provider)
    {
        var name = "l2db-duration-" + Guid.NewGuid().ToString("N");
        using var cache = new QueryCache(new QueryCacheOptions { CacheName = name });
        await using var test = await TestDb.CreateAsync(provider, cache);
        var recorded = new ConcurrentQueue<(string? Result, double Seconds)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CacheBotDiagnostics.MeterName && instrument.Name == "cachebot.query.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            if (tagList.Any(t => t.Key == "cachebot.cache.name" && Equals(t.Value, name)))
            {
                recorded.Enqueue((tagList.Single(t => t.Key == "cachebot.request.result").Value as string, value));
            }
        });
        listener.Start();
        using var db = test.Open();

        _ = db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 2);
        _ = db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 2);

        Assert.Equal(["miss", "hit"], recorded.Select(r => r.Result));
        Assert.True(recorded.First().Seconds > recorded.Last().Seconds, "a miss runs the database query, a hit does not");
    }
}

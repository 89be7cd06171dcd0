using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary>The <c>CacheBot.Linq</c> activity source and the <c>cachebot.query.duration</c> histogram, seen by real listeners.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public void Activities_MissHitBypassAndWrite_AreTracedWithTheirTags()
    {
        var name = "trace-" + Guid.NewGuid().ToString("N");
        using var recorder = new ActivityRecorder();
        using var db = new TestDb(new QueryCacheOptions { CacheName = name });

        _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList(); // miss
        _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList(); // hit
        _ = db.Photos.Cache().Where(p => p.Likes < DateTime.Now.Second).ToList(); // bypass
        _ = db.Photos.Where(p => p.UserId == 1).ToList(); // not cached: no activity
        db.Update<Photo>(p => p.Id == 1, p => p.Likes++);

        var queries = recorder.Stopped.Where(a => a.OperationName == "cachebot.query" && Equals(a.GetTagItem("cachebot.cache.name"), name)).ToList();
        Assert.Equal(["miss", "hit", "bypass"], queries.Select(a => (string?)a.GetTagItem("cachebot.request.result")));
        Assert.Equal("Photos.Cache().Where(p => p.UserId == @0).ToList()", queries[0].GetTagItem("cachebot.query.shape"));
        Assert.Equal(queries[0].GetTagItem("cachebot.query.shape"), queries[1].GetTagItem("cachebot.query.shape"));
        Assert.Null(queries[0].GetTagItem("cachebot.refusal.reason"));
        Assert.Equal("not deterministic: DateTime.Now is not deterministic", queries[2].GetTagItem("cachebot.refusal.reason"));

        var inner = recorder.Stopped.Where(a => a.OperationName == "cachebot.query.inner").ToList();
        Assert.Single(inner, a => a.ParentSpanId == queries[0].SpanId);
        Assert.DoesNotContain(inner, a => a.ParentSpanId == queries[1].SpanId);
        Assert.Single(inner, a => a.ParentSpanId == queries[2].SpanId);

        var write = Assert.Single(recorder.Stopped, a => a.OperationName == "cachebot.writes.apply" && Equals(a.GetTagItem("cachebot.cache.name"), name));
        Assert.Equal(1, write.GetTagItem("cachebot.writes.count"));
        Assert.Equal("Photos", write.GetTagItem("cachebot.tables"));
    }

    [Fact]
    public void Activities_ListenerWithoutAllData_GetsNoTags()
    {
        var name = "propagation-" + Guid.NewGuid().ToString("N");
        using var recorder = new ActivityRecorder(ActivitySamplingResult.PropagationData);
        using var db = new TestDb(new QueryCacheOptions { CacheName = name });

        _ = db.Photos.Cache().Where(p => p.UserId == 3).ToList();

        // Without all data requested, tags (and so the cache name) are not set: nothing of this test's cache is tagged.
        Assert.DoesNotContain(recorder.Stopped, a => Equals(a.GetTagItem("cachebot.cache.name"), name));
    }

    [Fact]
    public void DurationHistogram_RecordsEachCachedQueryInSecondsByResult()
    {
        var name = "duration-" + Guid.NewGuid().ToString("N");
        using var db = new TestDb(new QueryCacheOptions { CacheName = name });
        var recorded = new ConcurrentQueue<(string Result, double Seconds)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CacheBotDiagnostics.MeterName && instrument.Name == "cachebot.query.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? cacheName = null, result = null;
            foreach (var tag in tags)
            {
                cacheName = tag.Key == "cachebot.cache.name" ? tag.Value as string : cacheName;
                result = tag.Key == "cachebot.request.result" ? tag.Value as string : result;
            }

            if (cacheName == name)
            {
                recorded.Enqueue((result!, value));
            }
        });
        listener.Start();

        Assert.True(db.Cache.Metrics.DurationEnabled);
        _ = db.Photos.Cache().Where(p => p.UserId == 2).ToList();
        _ = db.Photos.Cache().Where(p => p.UserId == 2).ToList();
        _ = db.Photos.Cache().Where(p => p.Likes < DateTime.Now.Second).ToList();
        _ = db.Photos.Where(p => p.UserId == 2).ToList();

        Assert.Equal(["miss", "hit", "bypass"], recorded.Select(r => r.Result));
        Assert.All(recorded, r => Assert.InRange(r.Seconds, 1e-9, 10));
    }

    /// <summary>Collects every stopped activity of the CacheBot source while alive.</summary>
    private sealed class ActivityRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public ActivityRecorder(ActivitySamplingResult sampling = ActivitySamplingResult.AllDataAndRecorded)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == CacheBotDiagnostics.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => sampling,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}

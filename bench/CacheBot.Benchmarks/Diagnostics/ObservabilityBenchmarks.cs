using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Diagnostics;

/// <summary>
/// What observability costs a hit: the same hit on a cache without per-shape statistics (baseline,
/// <c>TrackShapeStatistics = false</c>), with them (the default: one striped increment per hit, one hit in 16 timed), and
/// with them while an <see cref="ActivityListener"/> records every activity and a <see cref="MeterListener"/> records
/// <c>cachebot.query.duration</c> (every hit timed and traced). Core over LINQ-to-Objects, so no database time hides the
/// difference: a primary-key get and a ~33-row list. Target: statistics cost at most 2 % of a hit.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ObservabilityBenchmarks
{
    private const string PkGet = "PkGet", List = "List";

    private QueryCache _plainCache = null!;
    private QueryCache _statsCache = null!;
    private IQueryable<Photo> _plain = null!;
    private IQueryable<Photo> _stats = null!;
    private ActivityListener? _activities;
    private MeterListener? _meters;
    private int _id = 4242;
    private int _userId = 42;
    private int _status = 1;

    [GlobalSetup]
    public void Setup()
    {
        var rows = PhotoData.Photos();
        _plainCache = new QueryCache(new QueryCacheOptions { TrackShapeStatistics = false });
        _statsCache = new QueryCache(new QueryCacheOptions());
        _plain = rows.AsQueryable().AsCacheBot(_plainCache);
        _stats = rows.AsQueryable().AsCacheBot(_statsCache);

        // Warm every path (the first run of each is a miss), then prove the measured calls are hits.
        PkGet_NoStatistics();
        List_NoStatistics();
        PkGet_Statistics();
        List_Statistics();
        var (plainHits, statsHits) = (_plainCache.Statistics.Hits, _statsCache.Statistics.Hits);
        PkGet_NoStatistics();
        List_NoStatistics();
        PkGet_Statistics();
        List_Statistics();
        if (_plainCache.Statistics.Hits != plainHits + 2 || _statsCache.Statistics.Hits != statsHits + 2)
        {
            throw new InvalidOperationException("ObservabilityBenchmarks setup: the measured calls are not hits.");
        }

        if (_plainCache.Statistics.TopShapes().Count != 0 || _statsCache.Statistics.TopShapes().Count != 2)
        {
            throw new InvalidOperationException("ObservabilityBenchmarks setup: statistics are not on (only) where expected.");
        }
    }

    [GlobalSetup(Targets = [nameof(PkGet_StatisticsTracedAndTimed), nameof(List_StatisticsTracedAndTimed)])]
    public void SetupObserved()
    {
        Setup();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheBotDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = static _ => { },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == CacheBotDiagnostics.MeterName && instrument.Name == "cachebot.query.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _meters.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meters?.Dispose();
        _activities?.Dispose();
        _plainCache.Dispose();
        _statsCache.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(PkGet)]
    public Photo PkGet_NoStatistics()
    {
        var id = _id;
        return _plain.First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_Statistics()
    {
        var id = _id;
        return _stats.First(p => p.Id == id);
    }

    [Benchmark, BenchmarkCategory(PkGet)]
    public Photo PkGet_StatisticsTracedAndTimed() => PkGet_Statistics();

    [Benchmark(Baseline = true), BenchmarkCategory(List)]
    public List<Photo> List_NoStatistics()
    {
        var u = _userId;
        var s = _status;
        return _plain.Cache().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_Statistics()
    {
        var u = _userId;
        var s = _status;
        return _stats.Cache().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    [Benchmark, BenchmarkCategory(List)]
    public List<Photo> List_StatisticsTracedAndTimed() => List_Statistics();
}

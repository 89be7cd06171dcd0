using System.Diagnostics;
using CacheBot.Linq;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Tests.Infrastructure;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// Guarantee 2 (bounded) and its fast path: within MaxStaleness of the last catch-up a hit makes no Redis call; past half of
/// it a read starts one in the background; past MaxStaleness a read catches up before it uses local state, so it sees every
/// write committed before it started.
/// </summary>
public sealed class BoundedReadTests : IDisposable
{
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(2);

    private readonly SharedRows _rows = new();
    private readonly string _prefix = TestRedis.UniquePrefix("bounded");
    private readonly List<QueryCache> _caches = [];

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }

    private QueryCache Process(TimeSpan staleness)
    {
        var cache = SharedRows.Cache(TestRedis.Require(), r =>
        {
            r.KeyPrefix = _prefix;
            r.MaxStaleness = staleness;
        });
        _caches.Add(cache);
        return cache;
    }

    [Fact]
    public void HitsWithinMaxStaleness_MakeNoRedisCall_AndAReadAfterItCatchesUpOnce()
    {
        var b = Process(Staleness);
        var coordinator = (RedisCoordinator)b.Coordinator!;
        var clock = Stopwatch.StartNew(); // started before the first catch-up: bounds the time since it from above
        Assert.Equal(4, _rows.CountUser(b, 1)); // first contact: catch-up, miss
        var sinceFirst = Stopwatch.StartNew(); // started after it: bounds the time since it from below
        var afterFirst = coordinator.CatchUpCalls;
        Assert.True(afterFirst >= 1);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(4, _rows.CountUser(b, 1));
        }

        var elapsed = clock.Elapsed;
        Assert.Equal(1_000, b.Statistics.Hits);
        if (elapsed >= Staleness / 2)
        {
            // A very slow machine: a background refresh may have started at an unknown time; the rest needs a quiet one.
            return;
        }

        // Nothing in the background either: the refresh starts only past half of MaxStaleness.
        Assert.Equal(afterFirst, coordinator.CatchUpCalls);
        Thread.Sleep(Staleness - sinceFirst.Elapsed + TimeSpan.FromMilliseconds(100));
        var beforeLate = coordinator.CatchUpCalls;
        Assert.Equal(4, _rows.CountUser(b, 1)); // past MaxStaleness: catches up first, then hits
        Assert.True(coordinator.CatchUpCalls > beforeLate, "a read past MaxStaleness made no Redis call");
        Assert.Equal(1_001, b.Statistics.Hits);
    }

    [Fact]
    public void WriteInAnotherProcess_IsSeenOnceMaxStalenessHasPassed()
    {
        var a = Process(TimeSpan.Zero);
        var b = Process(TimeSpan.FromMilliseconds(300));
        Assert.Equal(4, _rows.CountUser(b, 1));
        Assert.Equal(4, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);

        _rows.Update(a, 1, userId: 0);
        var committed = Stopwatch.StartNew();
        var seen = false;
        while (committed.Elapsed < TimeSpan.FromSeconds(3))
        {
            var started = committed.Elapsed;
            var count = _rows.CountUser(b, 1);
            if (count == 3)
            {
                seen = true;
                break;
            }

            // A read that started more than MaxStaleness after the commit must not miss it.
            Assert.True(started < TimeSpan.FromMilliseconds(300), $"a read {started.TotalMilliseconds:F0} ms after the commit missed it");
            Thread.Sleep(5);
        }

        Assert.True(seen);
    }

    [Fact]
    public void UnchangedLog_StrictCatchUpIsOneCallPerRead()
    {
        var b = Process(TimeSpan.Zero);
        _rows.CountUser(b, 1);
        _rows.CountUser(b, 1);
        var coordinator = (RedisCoordinator)b.Coordinator!;
        var before = coordinator.CatchUpCalls;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(4, _rows.CountUser(b, 1));
        }

        // One HMGET per read (plus, at most, a run-id check by script about once per second).
        Assert.InRange(coordinator.CatchUpCalls - before, 20, 22);
        Assert.Equal(21, b.Statistics.Hits);
    }
}

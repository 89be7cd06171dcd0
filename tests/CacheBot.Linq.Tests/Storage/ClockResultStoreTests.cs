using CacheBot.Linq.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CacheBot.Linq.Tests.Storage;

/// <summary>The default store: bounded by rows, evicting by recency and frequency, expired entries first.</summary>
public sealed class ClockResultStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Store_BeyondTheLimit_KeepsTheTotalSizeWithinIt()
    {
        var store = new ClockResultStore(100, _time);
        for (var i = 0; i < 1000; i++)
        {
            store.Store(Key(i), Entry(size: 7), TimeSpan.FromMinutes(1));
            Assert.True(store.Size <= 100, $"size {store.Size} after {i + 1} stores");
        }

        Assert.Equal(14, store.Count);
    }

    [Fact]
    public void FrequentlyReadEntry_SurvivesAScanOfOnceUsedEntries()
    {
        var store = new ClockResultStore(50, _time);
        store.Store(Key(-1), Entry(size: 1), TimeSpan.FromMinutes(1));
        for (var i = 0; i < 500; i++)
        {
            Assert.True(store.TryGet(Key(-1), out _), $"hot entry evicted at {i}");
            store.Store(Key(i), Entry(size: 1), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void ExpiredEntries_AreEvictedBeforeUsedOnes()
    {
        var store = new ClockResultStore(10, _time);
        for (var i = 0; i < 5; i++)
        {
            store.Store(Key(i), Entry(size: 2, ttlMinutes: 1), TimeSpan.FromMinutes(1));
        }

        for (var i = 0; i < 5; i++)
        {
            store.TryGet(Key(i), out _);
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        store.Store(Key(100), Entry(size: 2), TimeSpan.FromMinutes(10));
        Assert.True(store.TryGet(Key(100), out _));
        Assert.Equal(5, store.Count);
    }

    [Fact]
    public void Replace_And_Remove_KeepTheSizeExact()
    {
        var store = new ClockResultStore(100, _time);
        store.Store(Key(1), Entry(size: 10), TimeSpan.FromMinutes(1));
        store.Store(Key(1), Entry(size: 4), TimeSpan.FromMinutes(1));
        Assert.Equal(4, store.Size);
        store.Remove(Key(1));
        Assert.Equal(0, store.Size);
        Assert.False(store.TryGet(Key(1), out _));
        store.Store(Key(2), Entry(size: 101), TimeSpan.FromMinutes(1));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void NewEntry_GetsAWholeTurnOfTheClock_BeforeItCanBeEvicted()
    {
        // Full of once-used entries: each store evicts one. The entry stored just before must not be the next victim
        // (it would be if a new key were examined first: the newest entries would churn while old ones stayed).
        var store = new ClockResultStore(20, _time);
        for (var i = 0; i < 20; i++)
        {
            store.Store(Key(i), Entry(size: 1), TimeSpan.FromMinutes(1));
        }

        for (var i = 20; i < 30; i++)
        {
            store.Store(Key(i), Entry(size: 1), TimeSpan.FromMinutes(1));
            store.Store(Key(1000 + i), Entry(size: 1), TimeSpan.FromMinutes(1));
            Assert.True(store.TryGet(Key(i), out _), $"entry {i} was evicted by the very next store");
        }

        Assert.True(store.Size <= 20);
    }

    [Fact]
    public void KeyStoredAgain_KeepsItsUses_AndSurvivesAScan()
    {
        // A hot key whose result was replaced (stale after a write) keeps its history: a scan of new keys does not evict it.
        var store = new ClockResultStore(30, _time);
        store.Store(Key(-1), Entry(size: 1), TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            store.TryGet(Key(-1), out _);
        }

        for (var round = 0; round < 20; round++)
        {
            store.Store(Key(-1), Entry(size: 1), TimeSpan.FromMinutes(1));
            for (var i = 0; i < 25; i++)
            {
                store.Store(Key(round * 100 + i), Entry(size: 1), TimeSpan.FromMinutes(1));
            }

            Assert.True(store.TryGet(Key(-1), out _), $"re-stored hot entry evicted in round {round}");
        }
    }

    [Fact]
    public void RandomOperations_KeepSizeCountAndLookupsConsistent()
    {
        var store = new ClockResultStore(50, _time);
        var random = new Random(7);
        var sizes = new Dictionary<int, long>();
        for (var step = 0; step < 20_000; step++)
        {
            var k = random.Next(200);
            switch (random.Next(4))
            {
                case 0:
                    store.Remove(Key(k));
                    sizes.Remove(k);
                    break;
                case 1:
                    store.TryGet(Key(k), out _);
                    break;
                default:
                    var size = random.Next(1, 6);
                    store.Store(Key(k), Entry(size), TimeSpan.FromMinutes(1));
                    sizes[k] = size;
                    break;
            }

            foreach (var gone in sizes.Keys.Where(key => !store.TryGet(Key(key), out _)).ToList())
            {
                sizes.Remove(gone);
            }

            Assert.Equal(sizes.Count, store.Count);
            Assert.Equal(sizes.Values.Sum(), store.Size);
            Assert.True(store.Size <= 50);
        }
    }

    [Fact]
    public void Hit_AllocatesNothing()
    {
        var store = new ClockResultStore(100, _time);
        store.Store(Key(1), Entry(size: 1), TimeSpan.FromMinutes(1));
        store.TryGet(Key(1), out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            store.TryGet(Key(1), out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static QueryKey Key(int i) => new(new UInt128((ulong)i, 0x9e3779b97f4a7c15UL * (ulong)(i + 7)));

    private CachedQueryResult Entry(long size, int ttlMinutes = 60) =>
        new(null, [], 0, 0, size, _time.GetUtcNow() + TimeSpan.FromMinutes(ttlMinutes), shared: false);
}

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

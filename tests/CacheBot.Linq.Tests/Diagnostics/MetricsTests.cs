using System.Diagnostics.Metrics;
using CacheBot.Linq;

namespace CacheBot.Linq.Tests.Diagnostics;

public sealed class MetricsTests
{
    public sealed class Item
    {
        public int Id { get; set; }

        public int Group { get; set; }
    }

    [Fact]
    public void Meter_AfterMissAndHit_ReportsRequestsByResultTaggedWithCacheName()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        using var cache = new QueryCache(new QueryCacheOptions { CacheName = name });
        var items = Enumerable.Range(1, 10).Select(i => new Item { Id = i, Group = i % 2 }).ToList().AsQueryable().AsCacheBot(cache);
        items.Cache().Where(i => i.Group == 1).ToList();
        items.Cache().Where(i => i.Group == 1).ToList();

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CacheBotDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? cacheName = null, result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "cachebot.cache.name")
                {
                    cacheName = tag.Value as string;
                }
                else if (tag.Key == "cachebot.request.result")
                {
                    result = tag.Value as string;
                }
            }

            if (cacheName == name)
            {
                seen[instrument.Name + (result is null ? string.Empty : ":" + result)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["cachebot.query.requests:hit"]);
        Assert.Equal(1, seen["cachebot.query.requests:miss"]);
        Assert.Equal(0, seen["cachebot.query.requests:bypass"]);
        Assert.Equal(1, seen["cachebot.stores"]);
        Assert.True(seen["cachebot.entries"] >= 1);
    }

    [Fact]
    public void Meter_StoreFailingToCount_ReportsNoEntriesAndFailsNoListener()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        var store = new CacheBot.Linq.Tests.TestModel.ChaosStore { ThrowOnGet = true };
        using var cache = new QueryCache(new QueryCacheOptions { CacheName = name, ResultStore = store });
        Assert.Throws<InvalidOperationException>(() => store.Count);

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CacheBotDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "cachebot.cache.name" && tag.Value as string == name)
                {
                    seen[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.False(seen.ContainsKey("cachebot.entries"));
        Assert.Equal(0, seen["cachebot.stores"]);
    }
}

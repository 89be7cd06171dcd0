using CacheBot.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace CacheBot.Linq.Tests.Hosting;

public sealed class ServiceCollectionTests
{
    [Fact]
    public void AddCacheBot_WithConfigure_ResolvesOneConfiguredSingleton()
    {
        using var provider = new ServiceCollection()
            .AddCacheBot(o => { o.DefaultTimeToLive = TimeSpan.FromMinutes(3); o.CacheName = "di"; })
            .BuildServiceProvider();

        var cache = provider.GetRequiredService<QueryCache>();

        Assert.Same(cache, provider.GetRequiredService<QueryCache>());
        Assert.Equal(TimeSpan.FromMinutes(3), cache.Options.DefaultTimeToLive);
        Assert.Equal("di", cache.Options.CacheName);
    }

    [Fact]
    public void AddCacheBot_Keyed_GivesEachKeyItsOwnOptions()
    {
        using var provider = new ServiceCollection()
            .AddCacheBot(o => o.CacheName = "orders", serviceKey: "orders")
            .AddCacheBot(o => o.CacheName = "catalog", serviceKey: "catalog")
            .BuildServiceProvider();

        var orders = provider.GetRequiredKeyedService<QueryCache>("orders");
        var catalog = provider.GetRequiredKeyedService<QueryCache>("catalog");

        Assert.NotSame(orders, catalog);
        Assert.Equal("orders", orders.Options.CacheName);
        Assert.Equal("catalog", catalog.Options.CacheName);
    }

    [Fact]
    public void AddCacheBot_InvalidOption_ThrowsWhenConfigured()
    {
        using var provider = new ServiceCollection().AddCacheBot(o => o.DefaultTimeToLive = TimeSpan.Zero).BuildServiceProvider();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<QueryCache>());
        Assert.Contains("DefaultTimeToLive must be positive", error.Message, StringComparison.Ordinal);
    }
}

using CacheBot.Linq;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CacheBot.Redis.Tests.Hosting;

/// <summary>DI registration and option validation.</summary>
public sealed class HostingTests
{
    [Fact]
    public void AddCacheBot_WithUseRedis_RegistersACacheWithARedisCoordinator_DisposedWithTheContainer()
    {
        var redis = TestRedis.Require();
        var services = new ServiceCollection();
        services.AddCacheBot(o => o.UseRedis(redis, r => r.KeyPrefix = TestRedis.UniquePrefix("di")));
        RedisCoordinator coordinator;
        using (var provider = services.BuildServiceProvider())
        {
            var cache = provider.GetRequiredService<QueryCache>();
            coordinator = Assert.IsType<RedisCoordinator>(cache.Coordinator);
        }

        Assert.False(coordinator.Redis.IsConnected); // the owned connection went with the cache
    }

    [Fact]
    public void Options_RejectValuesOutsideTheirRange()
    {
        var options = new RedisCacheOptions();
        Assert.Throws<ArgumentException>(() => options.KeyPrefix = "a{b}");
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxStaleness = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ReadTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.LogLength = 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxEntryBytes = 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.KeyTimeToLive = TimeSpan.FromSeconds(5));
        Assert.Throws<ArgumentException>(() => new QueryCacheOptions().UseRedis(" "));
    }

    [Fact]
    public void RedisUnreachableAtStartup_TheCacheWorks_ReadsRunUncached()
    {
        using var cache = new QueryCache(new QueryCacheOptions().UseRedis("127.0.0.1:1,connectTimeout=200", r => r.ReadTimeout = TimeSpan.FromMilliseconds(200)));
        var rows = new SharedRows();
        Assert.Equal(4, rows.CountUser(cache, 1));
        Assert.Equal(4, rows.CountUser(cache, 1));
        Assert.Equal(0, cache.Statistics.Hits);
        Assert.Equal(2, cache.Statistics.Bypasses);
    }
}

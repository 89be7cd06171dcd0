using CacheBot.Redis.Coordination;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Linq;
using StackExchange.Redis;

namespace CacheBot.Redis.Tests.Faults;

/// <summary>Guarantee 4: every key has a time to live, the log is trimmed, and Redis holds nothing per cached query.</summary>
public sealed class MemoryBoundTests
{
    [Fact]
    public void ManyCachedQueriesAndWrites_RedisKeepsTwoKeys_WithTimeToLive_AndABoundedLog()
    {
        using var server = RedisServer.Start();
        using var a = SharedRows.Cache(server.Configuration, r => r.LogLength = 100);
        using var b = SharedRows.Cache(server.Configuration, r => r.LogLength = 100);
        var rows = new SharedRows();
        var photos = Enumerable.Range(0, 3000).Select(i => new Photo { Id = i, UserId = i % 50, Status = i % 7 }).ToList().AsQueryable();
        for (var i = 0; i < 3000; i++)
        {
            var id = i;
            _ = photos.AsCacheBot(b).Cache().Count(p => p.Id == id); // 3,000 distinct cached queries
        }

        for (var i = 0; i < 1000; i++)
        {
            rows.Update(a, 1 + (i % 8), status: i);
        }

        var db = server.Admin.Multiplexer.GetDatabase();
        var keys = ((RedisCoordinator)a.Coordinator!).Keys;
        Assert.Equal(2L, server.Admin.DatabaseSize());
        Assert.InRange(db.StreamLength(keys.Log), 100, 300);
        Assert.NotNull(db.KeyTimeToLive(keys.Meta));
        Assert.NotNull(db.KeyTimeToLive(keys.Log));
        Assert.DoesNotContain(db.HashKeys(keys.Meta), f => f.ToString().StartsWith("i:", StringComparison.Ordinal));
    }
}

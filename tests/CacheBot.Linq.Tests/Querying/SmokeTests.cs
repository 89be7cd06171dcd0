using CacheBot.Linq;

namespace CacheBot.Linq.Tests.Querying;

public sealed class SmokeTests
{
    public sealed class Photo
    {
        public int Id { get; set; }
        public int UserId { get; set; }
        public int Status { get; set; }
        public string Title { get; set; } = "";
    }

    [Fact]
    public void CachedWhere_SecondRun_IsHitAndUpdateInvalidates()
    {
        var photos = Enumerable.Range(1, 20).Select(i => new Photo { Id = i, UserId = i % 3, Status = i % 2, Title = "p" + i }).ToList();
        using var cache = new QueryCache(new QueryCacheOptions());
        var q = photos.AsQueryable().AsCacheBot(cache);
        var uid = 1;
        var first = q.Cache().Where(p => p.UserId == uid && p.Status == 1).ToList();
        var second = q.Cache().Where(p => p.UserId == uid && p.Status == 1).ToList();
        Assert.Equal(first.Count, second.Count);
        Assert.Equal(1, cache.Statistics.Hits);
        Assert.Equal(1, cache.Statistics.Misses);

        // A write to an unrelated row (Status 0 before and after) keeps the entry.
        var other = photos.First(p => p.UserId == 1 && p.Status == 0);
        var before = new Photo { Id = other.Id, UserId = other.UserId, Status = other.Status, Title = other.Title };
        other.Title = "changed";
        cache.NotifyUpdated(before, other);
        q.Cache().Where(p => p.UserId == uid && p.Status == 1).ToList();
        Assert.Equal(2, cache.Statistics.Hits);

        // Moving a row into the result invalidates.
        var mover = photos.First(p => p.UserId == 1 && p.Status == 0);
        var old = new Photo { Id = mover.Id, UserId = mover.UserId, Status = mover.Status, Title = mover.Title };
        mover.Status = 1;
        cache.NotifyUpdated(old, mover);
        var third = q.Cache().Where(p => p.UserId == uid && p.Status == 1).ToList();
        Assert.Equal(first.Count + 1, third.Count);
        Assert.Equal(2, cache.Statistics.Hits);
    }
}

using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Coordination;

/// <summary>Results shared between caches: served only when the reading cache can check them against every later write.</summary>
public sealed class SharedResultTests
{
    private readonly SharedLog _log = new();
    private readonly InMemorySharedStore _store = new();
    private readonly List<Photo> _rows = [.. Enumerable.Range(1, 6).Select(i => new Photo { Id = i, UserId = i % 2, Status = 1, Title = "p" + i })];
    private readonly IQueryable<Photo> _root;

    public SharedResultTests() => _root = _rows.AsQueryable();

    [Fact]
    public void ResultOfOneCache_IsServedToAnother()
    {
        var a = Cache();
        var b = Cache();
        Assert.Equal(3, CountUser(a, 1));
        Assert.Equal(1, _store.Stored);

        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(1, _store.Found);
        Assert.Equal(1, b.Statistics.Hits);
        Assert.Equal(3, CountUser(b, 1)); // now from b's own store
        Assert.Equal(2, b.Statistics.Hits);
    }

    [Fact]
    public void SharedResultOlderThanAWrite_IsNotServed()
    {
        var a = Cache();
        var b = Cache();
        Assert.Equal(3, CountUser(a, 1));
        CountUser(b, 0); // b registers the (UserId) scheme before the write

        var before = _rows[0];
        var after = new Photo { Id = before.Id, UserId = 0, Status = before.Status, Title = before.Title };
        _rows[0] = after;
        a.NotifyUpdated(before, after); // published; a's shared entry for UserId = 1 predates it

        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);
    }

    [Fact]
    public void CacheThatRegisteredAfterTheResult_DoesNotServeIt()
    {
        var a = Cache();
        Assert.Equal(3, CountUser(a, 1));
        var before = _rows[2];
        var after = new Photo { Id = before.Id, UserId = 1, Status = 9, Title = before.Title }; // does not change the count
        _rows[2] = after;
        a.NotifyUpdated(before, after);

        var b = Cache(); // b starts after the write: it cannot tell whether writes before it touched the result
        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);
    }

    private QueryCache Cache() =>
        new(new QueryCacheOptions { Coordinator = new SharedLogCoordinator(_log), SharedResultStore = _store });

    private int CountUser(QueryCache cache, int userId) => _root.AsCacheBot(cache).Cache().Count(p => p.UserId == userId);
}

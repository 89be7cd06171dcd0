using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Coordination;

/// <summary>
/// The coordinator protocol, with two caches ("processes") over one in-memory data set and one shared log: writes reported
/// in one cache invalidate the other's entries, announced writes block hits, faults never give a stale answer.
/// </summary>
public sealed class CoordinatorProtocolTests
{
    private readonly SharedLog _log = new();
    private readonly List<Photo> _rows = [.. Enumerable.Range(1, 6).Select(i => new Photo { Id = i, UserId = i % 2, Status = 1, Title = "p" + i })];
    private readonly IQueryable<Photo> _root;

    public CoordinatorProtocolTests() => _root = _rows.AsQueryable(); // one root object: keys hash it by identity

    [Fact]
    public void WriteInOneCache_InvalidatesTheOthersEntry()
    {
        var (a, _) = Cache();
        var (b, _) = Cache();
        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);

        Update(a, 1, userId: 0);

        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
    }

    [Fact]
    public void WriteToAnotherUser_KeepsTheOthersEntry()
    {
        var (a, _) = Cache();
        var (b, _) = Cache();
        CountUser(b, 1);

        Update(a, 2, title: "renamed"); // user 0's row: (UserId = 1) entries are not touched

        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
    }

    [Fact]
    public void AnnouncedWrite_BlocksHitsOnItsTable_UntilPublished()
    {
        var (a, _) = Cache();
        var (b, _) = Cache();
        CountUser(b, 1);
        var table = Providers.TableModel.ForName("default", null, "Photos");
        var commit = a.BeginCommit([Providers.WriteRecord.ForTable(table)]);

        _rows[0] = Clone(_rows[0], userId: 0); // "committed" in the database, not yet published
        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);

        commit.Complete([Providers.WriteRecord.ForTable(table)]);
        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
    }

    [Fact]
    public void BackendUnreachable_ReadsRunUncached_AndWritesAreRefusedBeforeCommit()
    {
        var (a, coordinatorA) = Cache();
        var (b, coordinatorB) = Cache();
        CountUser(b, 1);
        coordinatorB.Unreachable = true;
        Assert.Equal(3, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);
        Assert.Equal(1, b.Statistics.Bypasses);

        coordinatorA.Unreachable = true;
        var table = Providers.TableModel.ForName("default", null, "Photos");
        Assert.Throws<CacheBotException>(() => a.BeginCommit([Providers.WriteRecord.ForTable(table)]));
    }

    [Fact]
    public void PublishFails_WriterDropsItsEntries_OthersKeepTheTableUnsettled()
    {
        var (a, coordinatorA) = Cache();
        var (b, _) = Cache();
        CountUser(a, 1);
        CountUser(b, 1);
        coordinatorA.FailPublish = true;

        Update(a, 1, userId: 0);

        Assert.Equal(2, CountUser(a, 1));
        Assert.Equal(0, a.Statistics.Hits);
        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);
    }

    [Fact]
    public void LogGap_DropsEveryEntry()
    {
        var (_, _) = Cache();
        var (b, coordinatorB) = Cache();
        CountUser(b, 1);
        _rows[0] = Clone(_rows[0], userId: 0);
        _log.Publish(_log.Announce([]), [Providers.WriteRecord.ForTable(Providers.TableModel.ForName("default", null, "Photos"))]);
        _log.Trim();

        Assert.Equal(2, CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Hits);
        Assert.True(coordinatorB.Reads >= 2);
    }

    [Fact]
    public void InvalidateAll_ReachesEveryCache()
    {
        var (a, _) = Cache();
        var (b, _) = Cache();
        CountUser(b, 1);
        a.InvalidateAll();
        CountUser(b, 1);
        Assert.Equal(0, b.Statistics.Hits);
    }

    private (QueryCache Cache, SharedLogCoordinator Coordinator) Cache()
    {
        var coordinator = new SharedLogCoordinator(_log);
        return (new QueryCache(new QueryCacheOptions { Coordinator = coordinator }), coordinator);
    }

    private int CountUser(QueryCache cache, int userId) =>
        _root.AsCacheBot(cache).Cache().Count(p => p.UserId == userId);

    private void Update(QueryCache cache, int id, int? userId = null, string? title = null)
    {
        var index = _rows.FindIndex(p => p.Id == id);
        var before = _rows[index];
        var after = Clone(before, userId, title);
        _rows[index] = after;
        cache.NotifyUpdated(before, after);
    }

    private static Photo Clone(Photo photo, int? userId = null, string? title = null) =>
        new() { Id = photo.Id, UserId = userId ?? photo.UserId, Status = photo.Status, Title = title ?? photo.Title };
}

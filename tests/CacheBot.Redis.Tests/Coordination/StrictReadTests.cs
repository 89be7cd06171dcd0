using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Tests.Infrastructure;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// Guarantee 1 (strict) with two caches standing for two processes on the shared Redis: a write reported in one is seen by
/// the other's next read; writes to other rows keep entries; announced writes block hits until published.
/// </summary>
public sealed class StrictReadTests : IDisposable
{
    private readonly SharedRows _rows = new();
    private readonly string _prefix = TestRedis.UniquePrefix("strict");
    private readonly List<QueryCache> _caches = [];

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }

    private QueryCache Process(Action<RedisCacheOptions>? configure = null)
    {
        var redis = TestRedis.Require();
        var cache = SharedRows.Cache(redis, r =>
        {
            r.KeyPrefix = _prefix;
            configure?.Invoke(r);
        });
        _caches.Add(cache);
        return cache;
    }

    [Fact]
    public void WriteInOneProcess_InvalidatesTheOthersEntry_BeforeItsNextRead()
    {
        var a = Process();
        var b = Process();
        Assert.Equal(4, _rows.CountUser(b, 1));
        Assert.Equal(4, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);

        _rows.Update(a, 1, userId: 0);

        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(2, b.Statistics.Hits);
    }

    [Fact]
    public void RowChangedInPlace_ReportedAsOneObject_InvalidatesTheOthersEntry()
    {
        // NotifyUpdated(row, row): the old values are gone, so every column counts as changed, in every process (two equal
        // decoded images would read as "nothing changed" in the other process).
        var a = Process();
        var b = Process();
        Assert.Equal("p1,p3,p5,p7", _rows.TitlesOfUser(b, 1));
        Assert.Equal("p1,p3,p5,p7", _rows.TitlesOfUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);

        var row = _rows.ChangeTitleInPlace(3, "renamed");
        a.NotifyUpdated(row, row);

        Assert.Equal("p1,renamed,p5,p7", _rows.TitlesOfUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
    }

    [Fact]
    public void WriteToOtherRows_KeepsTheOthersEntry()
    {
        var a = Process();
        var b = Process();
        _rows.CountUser(b, 1);

        _rows.Update(a, 2, status: 5); // user 0's row: (UserId = 1) entries are not touched

        Assert.Equal(4, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
        Assert.Equal(1, _rows.CountStatus(b, 5));
    }

    [Fact]
    public void WriterOwnEntries_AreInvalidatedOnce_AndHitAgain()
    {
        var a = Process();
        _rows.CountUser(a, 1);
        _rows.Update(a, 1, userId: 0);
        Assert.Equal(3, _rows.CountUser(a, 1));
        Assert.Equal(3, _rows.CountUser(a, 1));
        Assert.Equal(1, a.Statistics.Hits);
    }

    [Fact]
    public void AnnouncedWrite_BlocksHitsOnItsTable_UntilPublished()
    {
        var a = Process();
        var b = Process();
        _rows.CountUser(b, 1);
        _rows.CountUser(b, 1);
        Assert.Equal(1, b.Statistics.Hits);
        var table = TableModel.ForName("default", null, nameof(Photo));
        var commit = a.BeginCommit([WriteRecord.ForTable(table)]);

        var (before, after) = _rows.Change(1, userId: 0); // committed in the database, not yet published
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);

        _ = (before, after);
        commit.Complete([WriteRecord.ForTable(table)]);
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(2, b.Statistics.Hits);
    }

    [Fact]
    public async Task WriterThatDiesAfterItsCommit_ItsAnnouncementExpiresIntoATableWrite()
    {
        var a = Process(r => r.IntentTimeToLive = TimeSpan.FromMilliseconds(300));
        var b = Process(r => r.IntentTimeToLive = TimeSpan.FromMilliseconds(300));
        _rows.CountStatus(b, 1);
        _rows.CountStatus(b, 1);
        Assert.Equal(1, b.Statistics.Hits);

        // A announces, commits, and "dies" without publishing.
        _ = a.BeginCommit([WriteRecord.ForTable(TableModel.ForName("default", null, nameof(Photo)))]);
        _rows.Change(1, status: 2);

        Assert.Equal(7, _rows.CountStatus(b, 1)); // unsettled: no hit
        Assert.Equal(1, b.Statistics.Hits);
        await Task.Delay(400, TestContext.Current.CancellationToken);

        // Past its deadline the first reader that sees the announcement reaps it into a table write; then B hits again.
        for (var i = 0; i < 50 && b.Statistics.Hits < 2; i++)
        {
            Assert.Equal(7, _rows.CountStatus(b, 1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, b.Statistics.Hits);
        var coordinator = (RedisCoordinator)b.Coordinator!;
        Assert.DoesNotContain(coordinator.Redis.GetDatabase().HashKeys(coordinator.Keys.Meta), f => f.ToString().StartsWith("i:", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidateAll_ReachesEveryProcess()
    {
        var a = Process();
        var b = Process();
        _rows.CountUser(b, 1);
        a.InvalidateAll();
        _rows.CountUser(b, 1);
        Assert.Equal(0, b.Statistics.Hits);
    }

    [Fact]
    public void DifferentKeyPrefixes_DoNotShareInvalidation()
    {
        var a = SharedRows.Cache(TestRedis.Require(), r => r.KeyPrefix = TestRedis.UniquePrefix("other"));
        _caches.Add(a);
        var b = Process();
        _rows.CountStatus(b, 1);
        a.NotifyTableChanged(nameof(Photo));
        _rows.CountStatus(b, 1);
        Assert.Equal(1, b.Statistics.Hits);
    }

    [Fact]
    public async Task AsyncCatchUp_SeesTheOthersWrite()
    {
        var a = Process();
        var b = Process();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await b.Coordinator!.EnterReadAsync(async: true, ct));
        Assert.Equal(4, _rows.CountUser(b, 1));
        _rows.Update(a, 3, userId: 0);
        Assert.True(await b.Coordinator.EnterReadAsync(async: true, ct));
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(1, b.Statistics.Hits);
    }
}

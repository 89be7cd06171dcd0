using CacheBot.Linq;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheBot.Redis.Tests.Faults;

/// <summary>
/// Guarantee 5: every script runs on a cluster-enabled node (one node holding every slot), where a multi-key command across
/// slots fails with CROSSSLOT: the log, announcements and sentinel live under one hash tag.
/// </summary>
public sealed class ClusterTests : IDisposable
{
    private readonly SharedRows _rows = new();
    private readonly RedisServer _server;

    public ClusterTests()
    {
        _server = RedisServer.Start("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + Guid.NewGuid().ToString("N") + ".conf");
        _server.Admin.Execute("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        for (var i = 0; i < 200 && !_server.Admin.Execute("CLUSTER", "INFO").ToString().Contains("cluster_state:ok", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(50);
        }
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public void OneNodeCluster_ScriptsRunInOneSlot_AndInvalidationWorks()
    {
        var prefix = TestRedis.UniquePrefix("cluster");
        using var a = SharedRows.Cache(_server.Configuration, r => { r.KeyPrefix = prefix; r.IntentTimeToLive = TimeSpan.FromMilliseconds(200); });
        using var b = SharedRows.Cache(_server.Configuration, r => r.KeyPrefix = prefix);
        _rows.CountUser(b, 1);
        _rows.CountUser(b, 1);
        Assert.Equal(1, b.Statistics.Hits);
        _rows.Update(a, 1, userId: 0);
        Assert.Equal(3, _rows.CountUser(b, 1));

        // Announce, reap (an expired announcement), publish: the write scripts ran too.
        _ = a.BeginCommit([Linq.Providers.WriteRecord.ForTable(Linq.Providers.TableModel.ForName("default", null, nameof(Photo)))]);
        Thread.Sleep(300);
        _rows.Update(a, 2, status: 3);
        Assert.Equal(3, _rows.CountUser(b, 1));
        Assert.Equal(0, b.Statistics.Bypasses);

        // The control: this server does reject multi-key commands across slots.
        var keys = ((RedisCoordinator)a.Coordinator!).Keys;
        var db = _server.Admin.Multiplexer.GetDatabase();
        var crossSlot = Assert.ThrowsAny<RedisException>(() => db.Execute("MGET", keys.Meta, keys.ResultPrefix + "x"));
        Assert.Contains("CROSSSLOT", crossSlot.Message, StringComparison.Ordinal);
        Assert.Equal(2L, (long)db.Execute("EXISTS", keys.Meta, keys.Log));
    }
}

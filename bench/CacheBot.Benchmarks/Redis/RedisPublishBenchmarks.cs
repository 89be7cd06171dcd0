using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Redis;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// One committed transaction of <see cref="Rows"/> row writes through the commit protocol with a Redis coordinator:
/// announce (one script) before the commit, publish (one script, the exact row images) after it. The Redis work per
/// transaction is two round trips whatever the row count (the publish is one); commands are counted in the console mode
/// (<c>--redis</c>).
/// </summary>
public class RedisPublishBenchmarks
{
    private QueryCache _cache = null!;
    private WriteRecord[] _intents = null!;
    private WriteRecord[] _writes = null!;

    [Params(1, 10, 100, 1000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new QueryCache(new QueryCacheOptions().UseRedis(BenchRedis.Configuration, r => r.KeyPrefix = BenchRedis.NewPrefix("publish")));
        var table = TableModel.ForName("bench", null, "Photos");
        _intents = [WriteRecord.ForTable(table)];
        _writes = [.. Enumerable.Range(0, Rows).Select(i => WriteRecord.ForImages(
            table,
            new RowValues([new("Id", (long)i), new("UserId", 5L), new("Status", 1L), new("Title", "photo " + i)]),
            new RowValues([new("Id", (long)i), new("UserId", 5L), new("Status", 2L), new("Title", "photo " + i)])))];
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark]
    public void AnnounceAndPublish() => _cache.BeginCommit(_intents).Complete(_writes);
}

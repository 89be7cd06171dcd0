using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Redis;
using CacheBot.Redis.Coordination;
using StackExchange.Redis;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// A hit on the same cached query (<c>Count(p =&gt; p.UserId == 7)</c>, core API over an instant source): in-memory cache
/// (baseline), strict Redis (one catch-up round trip per read) and bounded Redis (MaxStaleness 1 s: local state, no round
/// trip), beside two bare round trips on the strict cache's own connection: <c>PING</c>, and the <c>HMGET</c> a strict
/// catch-up sends when nothing changed. Targets: strict at most one Redis round trip plus 2 us (compare StrictRedis with
/// RedisRoundTrip + InMemory); bounded within 1.2x of in-memory.
/// </summary>
public class RedisHitBenchmarks
{
    private static readonly RedisValue[] EpochAndRev = ["epoch", "rev"];

    private QueryCache _memory = null!;
    private QueryCache _strict = null!;
    private QueryCache _bounded = null!;
    private IQueryable<Photo> _memorySource = null!;
    private IQueryable<Photo> _strictSource = null!;
    private IQueryable<Photo> _boundedSource = null!;
    private int _user = 7;
    private IDatabase _redis = null!;
    private RedisKey _meta;

    [GlobalSetup]
    public void Setup()
    {
        _memory = new QueryCache(new QueryCacheOptions());
        _strict = new QueryCache(new QueryCacheOptions().UseRedis(BenchRedis.Configuration, r => r.KeyPrefix = BenchRedis.NewPrefix("hit")));
        _bounded = new QueryCache(new QueryCacheOptions().UseRedis(BenchRedis.Configuration, r =>
        {
            r.KeyPrefix = BenchRedis.NewPrefix("hit");
            r.MaxStaleness = TimeSpan.FromSeconds(1);
        }));
        _memorySource = new EmptyQueryable<Photo>().AsCacheBot(_memory);
        _strictSource = new EmptyQueryable<Photo>().AsCacheBot(_strict);
        _boundedSource = new EmptyQueryable<Photo>().AsCacheBot(_bounded);
        var coordinator = (RedisCoordinator)_strict.Coordinator!;
        _redis = coordinator.Redis.GetDatabase();
        _meta = coordinator.Keys.Meta;
        _ = InMemory();
        _ = StrictRedis();
        _ = BoundedRedis();
        if (_strict.Statistics.Misses != 1 || _bounded.Statistics.Misses != 1)
        {
            throw new InvalidOperationException("Redis is not reachable at " + BenchRedis.Configuration + " (set CACHEBOT_BENCH_REDIS).");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memory.Dispose();
        _strict.Dispose();
        _bounded.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int InMemory() => _memorySource.Cache().Count(p => p.UserId == _user);

    [Benchmark]
    public int StrictRedis() => _strictSource.Cache().Count(p => p.UserId == _user);

    [Benchmark]
    public int BoundedRedis() => _boundedSource.Cache().Count(p => p.UserId == _user);

    [Benchmark]
    public TimeSpan RedisRoundTrip() => _redis.Ping();

    [Benchmark]
    public int RedisCatchUpCall() => _redis.HashGet(_meta, EpochAndRev).Length;
}

namespace CacheBot.Benchmarks.Redis;

/// <summary>The Redis the scale-out benchmarks use: <c>CACHEBOT_BENCH_REDIS</c>, default 127.0.0.1:6379 (start it without persistence).</summary>
internal static class BenchRedis
{
    public static string Configuration => Environment.GetEnvironmentVariable("CACHEBOT_BENCH_REDIS") is { Length: > 0 } value ? value : "127.0.0.1:6379";

    public static string NewPrefix(string name) => "bench-" + name + "-" + Guid.NewGuid().ToString("N")[..8] + ":";
}

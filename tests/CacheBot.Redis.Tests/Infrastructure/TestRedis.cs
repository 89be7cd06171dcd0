using System.Security.Cryptography;

namespace CacheBot.Redis.Tests.Infrastructure;

/// <summary>
/// The shared Redis of the tests (<c>CACHEBOT_TEST_REDIS</c>, e.g. 127.0.0.1:6379; CI starts one) and the
/// <c>redis-server</c> binary fault tests start their own instances with. Locally a missing one skips the test; with
/// <c>CACHEBOT_REQUIRE_DB=1</c> it fails it.
/// </summary>
public static class TestRedis
{
    public const string Variable = "CACHEBOT_TEST_REDIS";

    public static string? Configuration => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool Required => Environment.GetEnvironmentVariable("CACHEBOT_REQUIRE_DB") == "1";

    /// <summary>The shared Redis configuration string, or skips (fails in CI) the test.</summary>
    public static string Require()
    {
        if (Configuration is { } configuration)
        {
            return configuration;
        }

        if (Required)
        {
            Assert.Fail($"CACHEBOT_REQUIRE_DB=1 but {Variable} is not set: the Redis tests must run here (.ci/run starts redis-server).");
        }

        Assert.Skip($"Redis is not configured: set {Variable} (e.g. 127.0.0.1:6379) to run this test.");
        return null!;
    }

    /// <summary>Skips (fails in CI) the test when redis-server cannot be started.</summary>
    public static void RequireServerBinary()
    {
        if (RedisServer.BinaryPath is not null)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail("CACHEBOT_REQUIRE_DB=1 but redis-server is not installed: fault tests start their own Redis instances.");
        }

        Assert.Skip("redis-server is not installed (apt-get install redis-server).");
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string name) => name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ":";
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Xunit;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Access to the external databases that integration tests may use.
/// Locally a missing database skips the test; in CI (<c>CACHEBOT_REQUIRE_DB=1</c>) it fails it.
/// </summary>
public static class TestDatabases
{
    /// <summary>Environment variable holding an Npgsql connection string for the PostgreSQL tests.</summary>
    public const string PostgresVariable = "CACHEBOT_TEST_PG";

    /// <summary>Environment variable that, when set to <c>1</c>, turns a missing database into a test failure.</summary>
    public const string RequireVariable = "CACHEBOT_REQUIRE_DB";

    /// <summary>The PostgreSQL connection string from <c>CACHEBOT_TEST_PG</c>, or <see langword="null"/> when it is not set.</summary>
    public static string? PostgresConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(PostgresVariable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }

    /// <summary>True when <c>CACHEBOT_REQUIRE_DB=1</c>: database tests must run rather than skip.</summary>
    public static bool RequireDatabases => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>
    /// Skips the current test when no PostgreSQL connection string is configured,
    /// or fails it when <see cref="RequireDatabases"/> is set.
    /// </summary>
    [MemberNotNull(nameof(PostgresConnectionString))]
    public static void SkipUnlessPostgres()
    {
        if (PostgresConnectionString is not null)
        {
            return;
        }

        if (RequireDatabases)
        {
            Assert.Fail(
                $"{RequireVariable}=1 but {PostgresVariable} is not set: PostgreSQL tests must run in this environment. " +
                $"Set {PostgresVariable} to an Npgsql connection string (CI's .ci/run provisions one).");
        }

        Assert.Skip(
            $"PostgreSQL is not configured: set {PostgresVariable} to an Npgsql connection string " +
            "(e.g. Host=127.0.0.1;Port=5432;Username=cachebot;Password=cachebot;Database=cachebot) to run this test.");
    }

    /// <summary>
    /// Returns <paramref name="prefix"/> followed by <c>_</c> and 8 random lowercase hex digits,
    /// for table or schema names that do not collide between tests or test runs.
    /// </summary>
    public static string UniqueName(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    }
}

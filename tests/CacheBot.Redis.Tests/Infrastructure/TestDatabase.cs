using System.Security.Cryptography;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace CacheBot.Redis.Tests.Infrastructure;

/// <summary>
/// A database of its own: a shared-cache in-memory SQLite database kept alive by one connection, or a fresh PostgreSQL
/// schema on <c>CACHEBOT_TEST_PG</c> (skipped locally when not configured, failed with <c>CACHEBOT_REQUIRE_DB=1</c>).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly SqliteConnection? _keepAlive;
    private readonly string? _schema;
    private readonly string? _admin;

    private TestDatabase(DataOptions options, SqliteConnection? keepAlive, string? schema, string? admin)
    {
        Options = options;
        _keepAlive = keepAlive;
        _schema = schema;
        _admin = admin;
    }

    public DataOptions Options { get; }

    public static TestDatabase Create(string provider) => provider == "sqlite" ? Sqlite() : Postgres();

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("CACHEBOT_TEST_PG") is { Length: > 0 } cs ? cs : null;

    public static void RequirePostgres()
    {
        if (PostgresConnectionString is not null)
        {
            return;
        }

        if (TestRedis.Required)
        {
            Assert.Fail("CACHEBOT_REQUIRE_DB=1 but CACHEBOT_TEST_PG is not set.");
        }

        Assert.Skip("PostgreSQL is not configured: set CACHEBOT_TEST_PG.");
    }

    public static string UniqueName(string prefix) => prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static TestDatabase Sqlite()
    {
        var cs = "Data Source=" + UniqueName("redis") + ";Mode=Memory;Cache=Shared";
        var keepAlive = new SqliteConnection(cs);
        keepAlive.Open();
        return new TestDatabase(new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft), keepAlive, null, null);
    }

    private static TestDatabase Postgres()
    {
        RequirePostgres();
        var admin = PostgresConnectionString!;
        var schema = UniqueName("cbr");
        using (var db = new DataConnection(new DataOptions().UsePostgreSQL(admin)))
        {
            db.Execute("CREATE SCHEMA " + schema);
        }

        return new TestDatabase(new DataOptions().UsePostgreSQL(admin + ";Search Path=" + schema), null, schema, admin);
    }

    public void Dispose()
    {
        _keepAlive?.Dispose();
        if (_schema is not null)
        {
            using var db = new DataConnection(new DataOptions().UsePostgreSQL(_admin!));
            db.Execute("DROP SCHEMA " + _schema + " CASCADE");
        }
    }
}

using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace CacheBot.Linq2Db.Tests.Infrastructure;

/// <summary>
/// An empty database of its own for one test class instance: a shared-cache named in-memory SQLite database kept alive
/// by one open connection, or a fresh PostgreSQL schema (set as the search path) dropped on dispose.
/// </summary>
public sealed class IsolatedDatabase : IDisposable
{
    private readonly SqliteConnection? _keepAlive;
    private readonly string? _schema;

    private IsolatedDatabase(DataOptions options, SqliteConnection? keepAlive, string? schema)
    {
        Options = options;
        _keepAlive = keepAlive;
        _schema = schema;
    }

    /// <summary>Gets plain linq2db options for the database (no CacheBot).</summary>
    public DataOptions Options { get; }

    public static IsolatedDatabase Sqlite(string prefix)
    {
        var cs = "Data Source=" + TestDatabases.UniqueName(prefix) + ";Mode=Memory;Cache=Shared";
        var keepAlive = new SqliteConnection(cs);
        keepAlive.Open();
        return new IsolatedDatabase(new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft), keepAlive, null);
    }

    /// <summary>Creates a schema on <c>CACHEBOT_TEST_PG</c>; skips (or, in CI, fails) the test when PostgreSQL is not configured.</summary>
    public static IsolatedDatabase Postgres(string prefix)
    {
        TestDatabases.SkipUnlessPostgres();
        var schema = TestDatabases.UniqueName(prefix);
        using (var admin = new DataConnection(new DataOptions().UsePostgreSQL(TestDatabases.PostgresConnectionString)))
        {
            admin.Execute("CREATE SCHEMA " + schema);
        }

        // No pooling: a pool per schema would keep idle connections open until the process ends (max_connections).
        return new IsolatedDatabase(new DataOptions().UsePostgreSQL(TestDatabases.PostgresConnectionString + ";Search Path=" + schema + ";Pooling=false"), null, schema);
    }

    public void Dispose()
    {
        _keepAlive?.Dispose();
        if (_schema is not null && TestDatabases.PostgresConnectionString is { } cs)
        {
            using var admin = new DataConnection(new DataOptions().UsePostgreSQL(cs));
            admin.Execute("DROP SCHEMA " + _schema + " CASCADE");
        }
    }
}

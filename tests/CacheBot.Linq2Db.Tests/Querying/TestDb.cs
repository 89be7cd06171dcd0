using System.Data.Common;
using System.Globalization;
using System.Text;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// A seeded database for one test: SQLite (shared-cache named in-memory database kept alive by one connection) or
/// PostgreSQL (a unique schema on <c>CACHEBOT_TEST_PG</c>, dropped on dispose). Tables User, Photo, PhotoArchive, Tag.
/// </summary>
public sealed class TestDb : IAsyncDisposable
{
    public const int UserCount = 3;
    public const int PhotoCount = 12;

    private readonly DbConnection _keepAlive;
    private readonly string? _schema;
    private readonly bool _ownsCache;

    private TestDb(string provider, DbConnection keepAlive, string? schema, DataOptions plainOptions, QueryCache cache, bool ownsCache, CommandCounter counter)
    {
        _ownsCache = ownsCache;
        Provider = provider;
        _keepAlive = keepAlive;
        _schema = schema;
        PlainOptions = plainOptions;
        Cache = cache;
        Counter = counter;
        Options = plainOptions.UseInterceptor(counter).UseCacheBot(cache);
    }

    public string Provider { get; }

    public QueryCache Cache { get; }

    public CommandCounter Counter { get; }

    /// <summary>Gets options with CacheBot and the command counter.</summary>
    public DataOptions Options { get; }

    /// <summary>Gets options without CacheBot (for reference queries and the "not configured" case).</summary>
    public DataOptions PlainOptions { get; }

    public string DatabaseId => Options.Find<CacheBotOptionSet>()!.DatabaseId;

    public static async Task<TestDb> CreateAsync(string provider, QueryCache? cache = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var ownsCache = cache is null;
        cache ??= new QueryCache(new QueryCacheOptions());
        var counter = new CommandCounter();
        if (provider == "sqlite")
        {
            var cs = $"Data Source={TestDatabases.UniqueName("cbq")};Mode=Memory;Cache=Shared";
            var keepAlive = new SqliteConnection(cs);
            await keepAlive.OpenAsync(ct);
            await ExecuteAsync(keepAlive, SeedSql(), ct);
            return new TestDb(provider, keepAlive, null, new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft), cache, ownsCache, counter);
        }

        TestDatabases.SkipUnlessPostgres();
        var schema = TestDatabases.UniqueName("cbq");
        var admin = new NpgsqlConnection(TestDatabases.PostgresConnectionString);
        await admin.OpenAsync(ct);
        await ExecuteAsync(admin, $"CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\";" + SeedSql(), ct);
        // No pooling: a pool per test schema would keep idle connections open until the process ends, and the test
        // run (hundreds of PostgreSQL tests, other engineers' runs on the same server) would exhaust max_connections.
        var builder = new NpgsqlConnectionStringBuilder(TestDatabases.PostgresConnectionString) { SearchPath = schema, Pooling = false };
        var options = new DataOptions().UsePostgreSQL(builder.ConnectionString, PostgreSQLVersion.v15);
        return new TestDb(provider, admin, schema, options, cache, ownsCache, counter);
    }

    /// <summary>Opens a connection with CacheBot.</summary>
    public DataConnection Open() => new(Options);

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            await ExecuteAsync(_keepAlive, $"DROP SCHEMA \"{_schema}\" CASCADE", CancellationToken.None);
        }

        await _keepAlive.DisposeAsync();
        if (_ownsCache)
        {
            Cache.Dispose();
        }
    }

    private static string SeedSql()
    {
        var sql = new StringBuilder();
        sql.Append("""
            CREATE TABLE "User" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL);
            CREATE TABLE "Photo" ("Id" INTEGER PRIMARY KEY, "UserId" INTEGER NOT NULL, "Status" INTEGER NOT NULL, "Title" TEXT NOT NULL);
            CREATE TABLE "PhotoArchive" ("Id" INTEGER PRIMARY KEY, "UserId" INTEGER NOT NULL, "Status" INTEGER NOT NULL, "Title" TEXT NOT NULL);
            CREATE TABLE "Tag" ("Id" INTEGER PRIMARY KEY, "PhotoId" INTEGER NOT NULL, "Name" TEXT NOT NULL);
            INSERT INTO "User" ("Id", "Name") VALUES (1, 'alice'), (2, 'bob'), (3, 'david');
            INSERT INTO "Tag" ("Id", "PhotoId", "Name") VALUES (1, 1, 'sun'), (2, 1, 'sea'), (3, 2, 'city');
            INSERT INTO "PhotoArchive" ("Id", "UserId", "Status", "Title") VALUES (101, 1, 1, 'a101'), (102, 1, 1, 'a102'), (103, 2, 1, 'a103');

            """);
        for (var i = 1; i <= PhotoCount; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO \"Photo\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES ({i}, {((i - 1) % UserCount) + 1}, {i % 2}, 'p{i}');\n");
        }

        return sql.ToString();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}

using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// The database a connection reaches, as CacheBot names it: aliases of one database share entries and invalidations;
/// different data (a private in-memory database, another search path, another file) never does.
/// </summary>
public sealed class IdentityTests
{
    private static string SqliteId(string connectionString)
    {
        using var probe = new SqliteConnection();
        return DatabaseIdentity.Resolve("SQLite.MS", SqlDialect.Sqlite, probe, connectionString).Id;
    }

    private static DatabaseIdentityInfo Postgres(string connectionString)
    {
        using var probe = new NpgsqlConnection();
        return DatabaseIdentity.Resolve("PostgreSQL.15", SqlDialect.PostgreSql, probe, connectionString);
    }

    private static List<int> Ids(DataConnection db, bool cached)
    {
        var items = cached ? db.GetTable<SItem>().AsCacheBot().Cache() : db.GetTable<SItem>();
        return [.. items.Where(i => i.Cat == 1).Select(i => i.Id).ToList().Order()];
    }

    [Fact]
    public void Resolve_SqliteAliases_GiveOneIdentity()
    {
        var file = Path.Combine(Path.GetTempPath(), "cachebot-identity.db");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        var ids = new[]
        {
            SqliteId("Data Source=" + file),
            SqliteId("data source = " + file + " ;"),
            SqliteId("DataSource=" + file),
            SqliteId("Filename=" + file),
            SqliteId("Data Source=" + relative),
            SqliteId("Data Source=" + file + ";Default Timeout=60;Pooling=False;Foreign Keys=True"),
            SqliteId("Data Source=file:" + file),
            SqliteId("Data Source=" + file + ";Mode=ReadWrite"),
        };

        Assert.Single(ids.Distinct());
        Assert.NotEqual(ids[0], SqliteId("Data Source=" + file + "2"));
    }

    [Fact]
    public void Resolve_SqlitePrivateDatabases_ArePerConnection_SharedMemoryIsShared()
    {
        using var probe = new SqliteConnection();
        DatabaseKind Kind(string cs) => DatabaseIdentity.Resolve("SQLite.MS", SqlDialect.Sqlite, probe, cs).Kind;

        Assert.Equal(DatabaseKind.PerConnection, Kind("Data Source=:memory:"));
        Assert.Equal(DatabaseKind.PerConnection, Kind("Data Source="));
        Assert.Equal(DatabaseKind.PerConnection, Kind("Data Source=name;Mode=Memory"));
        Assert.Equal(DatabaseKind.PerConnection, Kind("Data Source=file:name?mode=memory"));
        Assert.Equal(DatabaseKind.PerConnection, Kind("Data Source=file::memory:"));
        Assert.Equal(DatabaseKind.Shared, Kind("Data Source=name;Mode=Memory;Cache=Shared"));
        Assert.Equal(DatabaseKind.Shared, Kind("Data Source=file:name?mode=memory&cache=shared"));
        Assert.Equal(DatabaseKind.Shared, Kind("Data Source=some.db"));
        Assert.Equal(SqliteId("Data Source=name;Mode=Memory;Cache=Shared"), SqliteId("Data Source=file:name?mode=memory&cache=shared"));
        Assert.NotEqual(SqliteId("Data Source=name;Mode=Memory;Cache=Shared"), SqliteId("Data Source=other;Mode=Memory;Cache=Shared"));
        Assert.NotEqual(SqliteId("Data Source=name;Mode=Memory;Cache=Shared"), SqliteId("Data Source=name"));
    }

    [Fact]
    public void Resolve_PostgresAliases_GiveOneIdentity()
    {
        var ids = new[]
        {
            Postgres("Host=db.example;Port=5432;Database=app;Username=u;Password=p").Id,
            Postgres("Server=DB.example;DB=app;User ID=u;Password=other").Id,
            Postgres("host = db.example ; database = app ; userid = u ; Timeout = 3; Pooling=false; Application Name=x").Id,
            Postgres("Host=db.example:5432;Database=app;Username=u").Id,
        };

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public void Resolve_PostgresDataSelectingSettings_GiveDifferentIdentities()
    {
        var baseline = Postgres("Host=h;Database=app;Username=u").Id;

        Assert.NotEqual(baseline, Postgres("Host=h;Database=app;Username=u;Search Path=tenant1").Id);
        Assert.Equal(Postgres("Host=h;Database=app;Username=u;Search Path=Tenant1").Id, Postgres("Host=h;Database=app;Username=u;Search Path=tenant1").Id);
        Assert.NotEqual(baseline, Postgres("Host=h;Database=app;Username=u;Options=-c search_path=tenant1").Id);
        Assert.NotEqual(baseline, Postgres("Host=h;Database=app;Username=u;Port=5433").Id);
        Assert.NotEqual(baseline, Postgres("Host=h;Database=other;Username=u").Id);
        Assert.NotEqual(baseline, Postgres("Host=h;Database=app;Username=v").Id);
        // The server defaults the database to the user name.
        Assert.Equal(Postgres("Host=h;Username=app").Id, Postgres("Host=h;Database=app;Username=app").Id);
        Assert.NotEqual(Postgres("Host=h;Username=app").Id, Postgres("Host=h;Database=other;Username=app").Id);
    }

    [Fact]
    public void Resolve_PostgresSeveralHosts_AreCachedOnlyWithAPrimaryTarget()
    {
        Assert.Equal(DatabaseKind.Uncacheable, Postgres("Host=h1,h2;Database=app;Username=u").Kind);
        Assert.Equal(DatabaseKind.Uncacheable, Postgres("Host=h1,h2;Database=app;Username=u;Target Session Attributes=prefer-standby").Kind);
        Assert.Equal(DatabaseKind.Shared, Postgres("Host=h1,h2;Database=app;Username=u;Target Session Attributes=primary").Kind);
        Assert.Equal(DatabaseKind.Shared, Postgres("Host=h1;Database=app;Username=u").Kind);
    }

    [Fact]
    public void MemoryDatabase_TwoConnections_NeverShareEntriesOrInvalidations()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = new DataOptions().UseSQLite("Data Source=:memory:", SQLiteProvider.Microsoft).UseCacheBot(cache);
        using var first = new DataConnection(options);
        using var second = new DataConnection(options);
        foreach (var (db, rows) in new[] { (first, "(1, 1, 'a')"), (second, "(2, 1, 'b'), (3, 1, 'c')") })
        {
            db.Execute("CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL)");
            db.Execute("INSERT INTO Item VALUES " + rows);
        }

        var firstRows = Probe.Warm(cache, () => Ids(first, cached: true));
        var secondRows = Ids(second, cached: true);
        Probe.Warm(cache, () => Ids(second, cached: true));
        second.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Cat, 2).Update();
        var (firstAfter, firstHit) = Probe.Run(cache, () => Ids(first, cached: true));

        Assert.Equal([1], firstRows);
        Assert.Equal([2, 3], secondRows);
        Assert.True(firstHit); // the write went to the other connection's database
        Assert.Equal([1], firstAfter);
        Assert.Equal(Ids(second, cached: false), Ids(second, cached: true));
        first.GetTable<SItem>().Where(i => i.Id == 1).Set(i => i.Cat, 2).Update();
        Assert.Empty(Ids(first, cached: true));
    }

    [Fact]
    public void MemoryDatabase_ConnectionReopened_DoesNotServeTheOldDatabase()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = new DataOptions().UseSQLite("Data Source=:memory:", SQLiteProvider.Microsoft).UseCacheBot(cache);
        using var db = new DataConnection(options);
        db.Execute("CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL)");
        db.Execute("INSERT INTO Item VALUES (1, 1, 'a')");
        var query = db.GetTable<SItem>().AsCacheBot().Cache().Where(i => i.Cat == 1);
        Assert.Single(query.ToList());

        db.Close(); // the private database is gone; the next command opens a new, empty one
        using (var command = db.OpenDbConnection().CreateCommand())
        {
            // Raw ADO.NET on the connection: not a tracked write, so nothing but the identity keeps the old entry away.
            command.CommandText = "CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL)";
            command.ExecuteNonQuery();
        }

        Assert.Empty(query.ToList());
        Assert.Empty(db.GetTable<SItem>().AsCacheBot().Cache().Where(i => i.Cat == 1).ToList());
    }

    [Fact]
    public void SharedMemoryDatabase_WriteThroughAnotherConnection_Invalidates()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        var name = TestDatabases.UniqueName("ident");
        using var keepAlive = new SqliteConnection("Data Source=" + name + ";Mode=Memory;Cache=Shared");
        keepAlive.Open();
        using (var command = keepAlive.CreateCommand())
        {
            command.CommandText = "CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL); INSERT INTO Item VALUES (1, 1, 'a');";
            command.ExecuteNonQuery();
        }

        using var reader = new DataConnection(new DataOptions().UseSQLite("Data Source=" + name + ";Mode=Memory;Cache=Shared", SQLiteProvider.Microsoft).UseCacheBot(cache));
        using var writer = new DataConnection(new DataOptions().UseSQLite("data source=file:" + name + "?mode=memory&cache=shared;Default Timeout=9", SQLiteProvider.Microsoft).UseCacheBot(cache));
        var before = Probe.Warm(cache, () => Ids(reader, cached: true));

        writer.Insert(new SItem { Id = 2, Cat = 1, Name = "b" });

        Assert.Equal([1], before);
        Assert.Equal([1, 2], Ids(reader, cached: true));
    }

    [Fact]
    public void SqliteFile_AliasedConnectionStrings_WriteThroughOneInvalidatesTheOther()
    {
        var file = Path.Combine(Path.GetTempPath(), TestDatabases.UniqueName("ident") + ".db");
        try
        {
            using var cache = new QueryCache(new QueryCacheOptions());
            using (var setup = new SqliteConnection("Data Source=" + file))
            {
                setup.Open();
                using var command = setup.CreateCommand();
                command.CommandText = "CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL); INSERT INTO Item VALUES (1, 1, 'a');";
                command.ExecuteNonQuery();
            }

            var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
            using var reader = new DataConnection(new DataOptions().UseSQLite("Data Source=" + file + ";Pooling=False", SQLiteProvider.Microsoft).UseCacheBot(cache));
            using var writer = new DataConnection(new DataOptions().UseSQLite("Filename=" + relative + ";Pooling=False", SQLiteProvider.Microsoft).UseCacheBot(cache));
            var before = Probe.Warm(cache, () => Ids(reader, cached: true));

            writer.Insert(new SItem { Id = 2, Cat = 1, Name = "b" });

            Assert.Equal([1], before);
            Assert.Equal([1, 2], Ids(reader, cached: true));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public void Postgres_AliasedConnectionStrings_WriteThroughOneInvalidatesTheOther()
    {
        using var test = SchemaDb.Create("postgres", string.Empty, """
            CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
            INSERT INTO "Item" VALUES (1, 1, 'a');
            """);
        var builder = new NpgsqlConnectionStringBuilder(TestDatabases.PostgresConnectionString);
        var alias = $"server={builder.Host?.ToUpperInvariant()}; DB={builder.Database}; user id={builder.Username}; password={builder.Password}; " +
            $"SearchPath={test.SchemaName},public; Command Timeout=77";
        using var reader = test.Open();
        using var writer = new DataConnection(new DataOptions().UsePostgreSQL(alias, PostgreSQLVersion.v15).UseCacheBot(test.Cache));
        var before = Probe.Warm(test.Cache, () => Ids(reader, cached: true));

        writer.Insert(new SItem { Id = 2, Cat = 1, Name = "b" });

        Assert.Equal([1], before);
        Assert.Equal([1, 2], Ids(reader, cached: true));
        writer.Close();
        using var pooled = new NpgsqlConnection(alias);
        NpgsqlConnection.ClearPool(pooled);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Postgres_SearchPathInConnectionString_NeverSharesEntriesAcrossSchemas(bool viaOptions)
    {
        TestDatabases.SkipUnlessPostgres();
        var first = TestDatabases.UniqueName("cbi");
        var second = TestDatabases.UniqueName("cbi");
        var cs = TestDatabases.PostgresConnectionString;
        using (var admin = new NpgsqlConnection(cs))
        {
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = $"""
                CREATE SCHEMA {first}; CREATE TABLE {first}."Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
                INSERT INTO {first}."Item" VALUES (1, 1, 'a');
                CREATE SCHEMA {second}; CREATE TABLE {second}."Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
                INSERT INTO {second}."Item" VALUES (2, 1, 'b'), (3, 1, 'c');
                """;
            command.ExecuteNonQuery();
        }

        try
        {
            using var cache = new QueryCache(new QueryCacheOptions());
            string Path(string schema) => viaOptions ? cs + ";Options=-c search_path=" + schema : cs + ";Search Path=" + schema;
            using var one = new DataConnection(new DataOptions().UsePostgreSQL(Path(first), PostgreSQLVersion.v15).UseCacheBot(cache));
            using var two = new DataConnection(new DataOptions().UsePostgreSQL(Path(second), PostgreSQLVersion.v15).UseCacheBot(cache));

            var firstRows = Probe.Warm(cache, () => Ids(one, cached: true));
            var secondRows = Ids(two, cached: true);
            two.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Cat, 2).Update();
            var (firstAfter, hit) = Probe.Run(cache, () => Ids(one, cached: true));

            Assert.Equal([1], firstRows);
            Assert.Equal([2, 3], secondRows);
            Assert.True(hit);
            Assert.Equal([1], firstAfter);
            Assert.Equal([3], Ids(two, cached: true));
        }
        finally
        {
            foreach (var schema in new[] { first, second })
            {
                using var pooled = new NpgsqlConnection(viaOptions ? cs + ";Options=-c search_path=" + schema : cs + ";Search Path=" + schema);
                NpgsqlConnection.ClearPool(pooled);
            }

            using var admin = new NpgsqlConnection(cs);
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = $"DROP SCHEMA {first} CASCADE; DROP SCHEMA {second} CASCADE;";
            command.ExecuteNonQuery();
        }
    }
}

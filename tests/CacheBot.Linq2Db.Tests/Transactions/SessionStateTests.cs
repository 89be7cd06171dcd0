using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Tests.Writes;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Transactions;

public sealed class SqliteSessionStateTests : SessionStateTests
{
    protected override bool IsPostgres => false;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("session");

    [Fact]
    public void SqliteResultChangingPragma_BypassesThatConnection_AndNoForeignAnswerAfterThePool()
    {
        using var plain = Open();
        var all = CachedStartingWithUpperT(plain);
        Assert.Equal([1], all);
        using (var strict = Open())
        {
            strict.Execute("PRAGMA case_sensitive_like = 1");
            Assert.Empty(CachedStartingWithUpperT(strict));
            Assert.Equal(all, CachedStartingWithUpperT(plain));
        }

        // Microsoft.Data.Sqlite's pool may hand the changed session to the next connection (an in-memory database cannot be
        // dropped from the pool): whatever it gets, the cached answer must be the database's.
        using var next = Open();
        Assert.Equal([.. next.GetTable<EPhoto>().Where(p => p.Title.StartsWith("T1")).Select(p => p.Id).ToList().Order()], CachedStartingWithUpperT(next));
    }

    [Fact]
    public void SqliteFileDatabase_ChangedSession_IsDroppedFromThePool()
    {
        var file = Path.Combine(Path.GetTempPath(), TestDatabases.UniqueName("cbpool") + ".db");
        var options = new DataOptions().UseSQLite("Data Source=" + file, LinqToDB.DataProvider.SQLite.SQLiteProvider.Microsoft).UseCacheBot(Cache);
        try
        {
            using (var setup = new DataConnection(options))
            {
                setup.CreateTable<TPhoto>();
                setup.Insert(new TPhoto { Id = 1, Name = "main" });
            }

            using (var shadow = new DataConnection(options))
            {
                shadow.Execute("CREATE TEMP TABLE \"TPhoto\" (\"Id\" INTEGER PRIMARY KEY, \"Name\" TEXT NOT NULL)");
                shadow.Execute("INSERT INTO \"TPhoto\" VALUES (1, 'temp')");
                Assert.Equal("temp", NameOf(shadow));
            }

            // Without CacheBot, Microsoft.Data.Sqlite would hand the session (and its temporary table) to the next connection.
            using var next = new DataConnection(options);
            Assert.Equal("main", next.GetTable<TPhoto>().Where(p => p.Id == 1).Select(p => p.Name).ToList().Single());
            Assert.Equal("main", NameOf(next));
            Assert.Equal("main", NameOf(next));
        }
        finally
        {
            using (var pooled = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + file))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool(pooled);
            }

            File.Delete(file);
        }
    }

    [Fact]
    public void SqliteAttach_BypassesThatConnection()
    {
        using var plain = Open();
        Warm(plain, 2);
        using var attached = Open();
        attached.Execute("ATTACH DATABASE ':memory:' AS other");
        var bypasses = Cache.Statistics.Bypasses;

        Assert.Equal([1, 2, 3], CachedIds(attached, 2));

        Assert.True(Cache.Statistics.Bypasses > bypasses);
    }
}

public sealed class PostgresSessionStateTests : SessionStateTests
{
    protected override bool IsPostgres => true;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbsession");

    [Fact]
    public void SearchPathPerSession_TwoTenants_EachGetsItsOwnRows()
    {
        var tenantA = CreateTenant("a1");
        var tenantB = CreateTenant("b1");
        using (var setup = Open())
        {
            setup.CreateTable<TPhoto>();
            setup.Insert(new TPhoto { Id = 1, Name = "default" });
        }

        using var a = Open();
        using var b = Open();
        using var plain = Open();
        a.Execute("SET search_path TO " + tenantA);
        b.Execute("SELECT set_config('search_path', '" + tenantB + "', false)");

        Assert.Equal("a1", NameOf(a));
        Assert.Equal("b1", NameOf(b));
        Assert.Equal("default", NameOf(plain));
        Assert.Equal("default", NameOf(plain));
        Assert.Equal("a1", NameOf(a));
        Assert.Equal("b1", NameOf(b));

        // A tenant's write is a write of the database (the name resolved elsewhere than the mapping says).
        a.Execute("UPDATE \"TPhoto\" SET \"Name\" = 'a1x' WHERE \"Id\" = 1");
        Assert.Equal("a1x", NameOf(a));
        Assert.Equal("default", NameOf(plain));

        // Back to the connection string's default: the cache serves this connection again.
        a.Execute("RESET search_path");
        Assert.Equal("default", NameOf(a));
        var hits = Cache.Statistics.Hits;
        Assert.Equal("default", NameOf(a));
        Assert.True(Cache.Statistics.Hits > hits);
    }

    [Fact]
    public void SearchPathChangedEarlierInTheBatch_LaterWriteIsADatabaseWrite()
    {
        var tenant = CreateTenant("t1");
        using (var setup = Open())
        {
            setup.CreateTable<TPhoto>();
            setup.Insert(new TPhoto { Id = 1, Name = "default" });
            setup.Execute("CREATE VIEW " + tenant + ".\"TView\" AS SELECT * FROM \"" + SchemaOf(setup) + "\".\"TPhoto\"");
        }

        using var plain = Open();
        Assert.Equal("default", NameOf(plain));
        Assert.Equal("default", NameOf(plain));

        // The view in the tenant's schema writes the default schema's table, which the text never names.
        using (var tenantConnection = Open())
        {
            tenantConnection.Execute("SET search_path TO " + tenant + "; UPDATE \"TView\" SET \"Name\" = 'through view' WHERE \"Id\" = 1");
        }

        Assert.Equal("through view", NameOf(plain));
    }

    [Fact]
    public void SearchPath_ClosedAndReopened_IsBackToTheDefault()
    {
        var tenant = CreateTenant("t1");
        using (var setup = Open())
        {
            setup.CreateTable<TPhoto>();
            setup.Insert(new TPhoto { Id = 1, Name = "default" });
        }

        using (var a = Open())
        {
            a.Execute("SET search_path = " + tenant);
            Assert.Equal("t1", NameOf(a));
        }

        using var next = Open();
        Assert.Equal("default", NameOf(next));
        Assert.Equal("default", NameOf(next));
    }
}

/// <summary>
/// Session state changed with SQL text that changes what names resolve to (search path, temporary tables, settings):
/// one connection string then reaches other data, so the connection's reads must bypass the cache (never fill it with
/// answers foreign to other connections) until the state is provably back to its default.
/// </summary>
public abstract class SessionStateTests : RawSqlTestBase
{
    private readonly List<string> _schemas = [];

    public override void Dispose()
    {
        if (_schemas.Count > 0)
        {
            using var admin = new DataConnection(PlainOptions);
            foreach (var schema in _schemas)
            {
                admin.Execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }

        base.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void TemporaryTable_ShadowsOnlyItsConnection_AndNoForeignAnswerAfterThePool()
    {
        using var plain = Open();
        Warm(plain, 2);
        using (var shadow = Open())
        {
            shadow.Execute(IsPostgres
                ? "CREATE TEMP TABLE \"EPhoto\" (\"Id\" int PRIMARY KEY, \"UserId\" int NOT NULL, \"Status\" int NOT NULL, \"Title\" text NOT NULL)"
                : "CREATE TEMP TABLE \"EPhoto\" (\"Id\" INTEGER PRIMARY KEY, \"UserId\" INTEGER NOT NULL, \"Status\" INTEGER NOT NULL, \"Title\" TEXT NOT NULL)");
            shadow.Execute("INSERT INTO \"EPhoto\" VALUES (100, 0, 2, 'temp')");

            Assert.Equal([100], CachedIds(shadow, 2));
            Assert.Equal([1, 2, 3], CachedIds(plain, 2));
            Assert.Equal([100], CachedIds(shadow, 2));
        }

        using var next = Open();
        Assert.Equal(TrueIds(next, 2), CachedIds(next, 2));
        Assert.Equal(TrueIds(next, 2), CachedIds(next, 2));
    }

    protected static List<int> CachedStartingWithUpperT(DataConnection db) =>
        [.. db.GetTable<EPhoto>().AsCacheBot().Cache().Where(p => p.Title.StartsWith("T1")).Select(p => p.Id).ToList().Order()];

    protected static string SchemaOf(DataConnection db) => db.Execute<string>("SELECT current_schema()");

    protected static string? NameOf(DataConnection db) =>
        db.GetTable<TPhoto>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => p.Name).ToList().FirstOrDefault();

    /// <summary>A schema with its own TPhoto table whose row 1 is named <paramref name="name"/>.</summary>
    protected string CreateTenant(string name)
    {
        var schema = TestDatabases.UniqueName("cbtenant");
        _schemas.Add(schema);
        using var admin = new DataConnection(PlainOptions);
        admin.Execute("CREATE SCHEMA " + schema);
        admin.Execute("CREATE TABLE " + schema + ".\"TPhoto\" (\"Id\" int PRIMARY KEY, \"Name\" text NOT NULL)");
        admin.Execute("INSERT INTO " + schema + ".\"TPhoto\" VALUES (1, '" + name + "')");
        return schema;
    }
}

[Table("TPhoto")]
public sealed class TPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";
}

using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CacheBot.EntityFrameworkCore.Tests.Schema;

/// <summary>
/// Two connections that reach different data never share entries, however their connection strings differ: a PostgreSQL
/// search path set through <c>Options</c>, a private SQLite <c>:memory:</c> database per connection.
/// </summary>
public sealed class DatabaseIdentityTests
{
    private const string SqliteTable = "CREATE TABLE \"CItem\" (\"Id\" INTEGER PRIMARY KEY, \"Name\" TEXT NOT NULL, \"Code\" TEXT NOT NULL, \"Qty\" INTEGER NOT NULL)";

    private const string PostgresTable = "CREATE TABLE \"CItem\" (\"Id\" int PRIMARY KEY, \"Name\" text NOT NULL, \"Code\" text NOT NULL, \"Qty\" int NOT NULL)";

    [Fact]
    public void PostgresSearchPathThroughOptions_TwoSchemas_NeverShareEntries()
    {
        using var a = EfDatabase.Create("postgres", "efident");
        using var b = EfDatabase.Create("postgres", "efident");
        using var cache = new QueryCache(new QueryCacheOptions());
        CatalogContext Open(EfDatabase database, QueryCache? with)
        {
            var schema = new NpgsqlConnectionStringBuilder(database.ConnectionString).SearchPath;
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = null, Options = "-c search_path=" + schema };
            var options = new DbContextOptionsBuilder<CatalogContext>().UseNpgsql(builder.ConnectionString);
            return new CatalogContext((with is null ? options : options.UseCacheBot(with)).Options);
        }

        Seed(Open(a, null), PostgresTable, 1);
        Seed(Open(b, null), PostgresTable, 3);
        using var inA = Open(a, cache);
        using var inB = Open(b, cache);
        Assert.Equal(1, inA.Set<CItem>().AsCacheBot().Cache().Count());
        Assert.Equal(3, inB.Set<CItem>().AsCacheBot().Cache().Count());
        Assert.Equal(1, inA.Set<CItem>().AsCacheBot().Cache().Count());
    }

    [Fact]
    public void SqlitePrivateMemoryDatabases_TwoConnections_NeverShareEntries()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var first = new SqliteConnection("Data Source=:memory:");
        using var second = new SqliteConnection("Data Source=:memory:");
        first.Open();
        second.Open();
        CatalogContext Open(SqliteConnection connection, QueryCache? with)
        {
            var options = new DbContextOptionsBuilder<CatalogContext>().UseSqlite(connection);
            return new CatalogContext((with is null ? options : options.UseCacheBot(with)).Options);
        }

        Seed(Open(first, null), SqliteTable, 2);
        Seed(Open(second, null), SqliteTable, 4);
        using var one = Open(first, cache);
        using var two = Open(second, cache);
        Assert.Equal(2, one.Set<CItem>().AsCacheBot().Cache().Count());
        Assert.Equal(4, two.Set<CItem>().AsCacheBot().Cache().Count());
        var hits = cache.Statistics.Hits;
        Assert.Equal(2, Open(first, cache).Set<CItem>().AsCacheBot().Cache().Count());
        Assert.Equal(hits + 1, cache.Statistics.Hits); // the same connection (the same database) still shares its entries
    }

    [Fact]
    public void SetConnectionString_OnALiveContext_ReadsTheNewDatabase()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        var a = "Data Source=" + TestDatabasesName("a") + ";Mode=Memory;Cache=Shared";
        var b = "Data Source=" + TestDatabasesName("b") + ";Mode=Memory;Cache=Shared";
        using var keepA = new SqliteConnection(a);
        using var keepB = new SqliteConnection(b);
        keepA.Open();
        keepB.Open();
        Seed(new CatalogContext(new DbContextOptionsBuilder<CatalogContext>().UseSqlite(a).Options), SqliteTable, 1);
        Seed(new CatalogContext(new DbContextOptionsBuilder<CatalogContext>().UseSqlite(b).Options), SqliteTable, 3);

        // One context moved from one tenant's database to another's (as a pooled context per tenant is).
        using var db = new CatalogContext(new DbContextOptionsBuilder<CatalogContext>().UseSqlite(a).UseCacheBot(cache).Options);
        Assert.Equal(1, db.Set<CItem>().AsCacheBot().Cache().Count());
        db.Database.SetConnectionString(b);
        Assert.Equal(3, db.Set<CItem>().AsCacheBot().Cache().Count());
        db.Database.SetConnectionString(a);
        Assert.Equal(1, db.Set<CItem>().AsCacheBot().Cache().Count());
    }

    private static string TestDatabasesName(string suffix) => "efident" + suffix + Guid.NewGuid().ToString("N");

    private static void Seed(CatalogContext db, string ddl, int rows)
    {
        using (db)
        {
            db.Database.ExecuteSqlRaw(ddl);
            for (var i = 1; i <= rows; i++)
            {
                db.Add(new CItem { Id = i, Name = "n" + i, Code = "c" + i, Qty = i });
            }

            db.SaveChanges();
        }
    }
}

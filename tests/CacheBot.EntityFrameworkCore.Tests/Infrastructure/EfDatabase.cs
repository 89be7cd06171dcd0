using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// An empty database of its own for one test: a shared-cache named in-memory SQLite database kept alive by one open
/// connection, or a fresh PostgreSQL schema (the connection's search path) dropped on dispose. Builds EF options with or
/// without CacheBot, and creates the model's tables.
/// </summary>
public sealed class EfDatabase : IDisposable
{
    private readonly SqliteConnection? _keepAlive;
    private readonly string? _schema;

    private EfDatabase(string kind, string connectionString, SqliteConnection? keepAlive, string? schema)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _keepAlive = keepAlive;
        _schema = schema;
    }

    /// <summary>The databases every database test runs on.</summary>
    public static TheoryData<string> Kinds => new() { "sqlite", "postgres" };

    public string Kind { get; }

    public bool IsPostgres => Kind == "postgres";

    public string ConnectionString { get; }

    public static EfDatabase Create(string kind, string prefix)
    {
        if (kind == "sqlite")
        {
            var cs = "Data Source=" + TestDatabases.UniqueName(prefix) + ";Mode=Memory;Cache=Shared";
            var keepAlive = new SqliteConnection(cs);
            keepAlive.Open();
            return new EfDatabase(kind, cs, keepAlive, null);
        }

        TestDatabases.SkipUnlessPostgres();
        var schema = TestDatabases.UniqueName(prefix);
        using (var admin = new NpgsqlConnection(TestDatabases.PostgresConnectionString))
        {
            admin.Open();
            using var command = new NpgsqlCommand("CREATE SCHEMA " + schema, admin);
            command.ExecuteNonQuery();
        }

        return new EfDatabase(kind, TestDatabases.PostgresConnectionString + ";Search Path=" + schema + ";Maximum Pool Size=4", null, schema);
    }

    /// <summary>Configures the provider (and CacheBot when <paramref name="cache"/> is given).</summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, QueryCache? cache, params IInterceptor[] interceptors)
    {
        if (IsPostgres)
        {
            builder.UseNpgsql(ConnectionString);
        }
        else
        {
            builder.UseSqlite(ConnectionString);
        }

        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.AmbientTransactionWarning));
        if (interceptors.Length > 0)
        {
            builder.AddInterceptors(interceptors);
        }

        return cache is null ? builder : builder.UseCacheBot(cache);
    }

    public DbContextOptions<TContext> Options<TContext>(QueryCache? cache, params IInterceptor[] interceptors)
        where TContext : DbContext =>
        (DbContextOptions<TContext>)Configure(new DbContextOptionsBuilder<TContext>(), cache, interceptors).Options;

    /// <summary>Creates the tables of <paramref name="context"/>'s model (not EnsureCreated: other schemas may hold tables).</summary>
    public static void CreateTables(DbContext context) => context.GetService<IRelationalDatabaseCreator>().CreateTables();

    public void Dispose()
    {
        _keepAlive?.Dispose();
        if (_schema is not null && TestDatabases.PostgresConnectionString is { } cs)
        {
            using (var pooled = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            using var admin = new NpgsqlConnection(cs);
            admin.Open();
            using var command = new NpgsqlCommand("DROP SCHEMA " + _schema + " CASCADE", admin);
            command.ExecuteNonQuery();
        }
    }
}

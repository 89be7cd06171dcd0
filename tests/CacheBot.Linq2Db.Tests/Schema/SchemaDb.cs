using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Mapping;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// A database of its own for one schema test, created with provider-specific DDL run on a plain connection (CacheBot
/// does not see it, as if it had been migrated before the application started): a shared-cache named in-memory SQLite
/// database with foreign keys enforced, or a fresh PostgreSQL schema set as the search path.
/// </summary>
public sealed class SchemaDb : IDisposable
{
    private readonly SqliteConnection? _keepAlive;
    private readonly string? _schema;

    private SchemaDb(string provider, DataOptions plain, QueryCache cache, SqliteConnection? keepAlive, string? schema, MappingSchema? mapping)
    {
        Provider = provider;
        _keepAlive = keepAlive;
        _schema = schema;
        Plain = mapping is null ? plain : plain.UseMappingSchema(mapping);
        Cache = cache;
        Options = Plain.UseCacheBot(cache);
    }

    public string Provider { get; }

    public bool IsPostgres => Provider == "postgres";

    public QueryCache Cache { get; }

    /// <summary>Gets options without CacheBot: the database's truth.</summary>
    public DataOptions Plain { get; }

    /// <summary>Gets options with CacheBot.</summary>
    public DataOptions Options { get; }

    /// <summary>Gets the PostgreSQL schema (null on SQLite).</summary>
    public string? SchemaName => _schema;

    public static SchemaDb Create(string provider, string sqliteDdl, string postgresDdl, MappingSchema? mapping = null)
    {
        var cache = new QueryCache(new QueryCacheOptions());
        if (provider == "sqlite")
        {
            var cs = "Data Source=" + TestDatabases.UniqueName("schema") + ";Mode=Memory;Cache=Shared;Foreign Keys=True";
            var keepAlive = new SqliteConnection(cs);
            keepAlive.Open();
            using (var command = keepAlive.CreateCommand())
            {
                command.CommandText = sqliteDdl;
                command.ExecuteNonQuery();
            }

            return new SchemaDb(provider, new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft), cache, keepAlive, null, mapping);
        }

        TestDatabases.SkipUnlessPostgres();
        var schema = TestDatabases.UniqueName("cbs");
        using (var admin = new NpgsqlConnection(TestDatabases.PostgresConnectionString))
        {
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = "CREATE SCHEMA " + schema + "; SET search_path TO " + schema + "; " + postgresDdl;
            command.ExecuteNonQuery();
        }

        // public stays on the path: extension types (citext) keep their operators there.
        var options = new DataOptions().UsePostgreSQL(TestDatabases.PostgresConnectionString + ";Search Path=" + schema + ",public", PostgreSQLVersion.v15);
        return new SchemaDb(provider, options, cache, null, schema, mapping);
    }

    /// <summary>Opens a connection with CacheBot.</summary>
    public DataConnection Open() => new(Options);

    /// <summary>Opens a connection without CacheBot.</summary>
    public DataConnection OpenPlain() => new(Plain);

    public void Dispose()
    {
        Cache.Dispose();
        _keepAlive?.Dispose();
        if (_schema is not null && TestDatabases.PostgresConnectionString is { } cs)
        {
            // Each test has its own connection string (its search path), hence its own pool: close its idle connections.
            using (var pooled = new NpgsqlConnection(cs + ";Search Path=" + _schema + ",public"))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            using var admin = new NpgsqlConnection(cs);
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = "DROP SCHEMA " + _schema + " CASCADE";
            command.ExecuteNonQuery();
        }
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// <see cref="PhotoData"/> in a fresh schema of a PostgreSQL server (on loopback for the published figures); the schema
/// is dropped on dispose.
/// </summary>
public sealed class PostgresPhotoDatabase : IBenchDatabase
{
    private readonly string _adminConnectionString;
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..12];

    public PostgresPhotoDatabase(string connectionString)
    {
        _adminConnectionString = connectionString;
        using (var admin = new DataConnection(new DataOptions().UsePostgreSQL(connectionString)))
        {
            admin.Execute($"CREATE SCHEMA {_schema}");
        }

        RawOptions = new DataOptions().UsePostgreSQL(connectionString + ";Search Path=" + _schema);
        using var db = new DataConnection(RawOptions);
        PhotoDatabase.Seed(db);
    }

    public DataOptions RawOptions { get; }

    public DataOptions CacheBotOptions(QueryCache cache) => RawOptions.UseCacheBot(cache);

    public void Dispose()
    {
        using var admin = new DataConnection(new DataOptions().UsePostgreSQL(_adminConnectionString));
        admin.Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }
}

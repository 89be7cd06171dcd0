using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// An in-memory SQLite database (shared-cache named memory database, kept alive by one open connection) seeded with
/// <see cref="PhotoData"/>: 10,000 photos over 100 users, an index on <c>Photo.UserId</c>. Each instance has its own
/// database name, so benchmarks never see each other's writes.
/// </summary>
public sealed class PhotoDatabase : IBenchDatabase
{
    private readonly SqliteConnection _keepAlive;

    public PhotoDatabase()
    {
        ConnectionString = "Data Source=bench_" + Guid.NewGuid().ToString("N") + ";Mode=Memory;Cache=Shared";
        _keepAlive = new SqliteConnection(ConnectionString);
        _keepAlive.Open();
        RawOptions = new DataOptions().UseSQLite(ConnectionString, SQLiteProvider.Microsoft);
        using var db = new DataConnection(RawOptions);
        Seed(db);
    }

    public string ConnectionString { get; }

    /// <summary>Gets options for plain linq2db (no CacheBot).</summary>
    public DataOptions RawOptions { get; }

    /// <summary>Options for a connection whose queries and writes go through <paramref name="cache"/>.</summary>
    public DataOptions CacheBotOptions(QueryCache cache) => RawOptions.UseCacheBot(cache);

    public void Dispose() => _keepAlive.Dispose();

    /// <summary>Creates and fills the tables (SQLite or PostgreSQL: identifiers are quoted as linq2db quotes them).</summary>
    internal static void Seed(DataConnection db)
    {
        db.CreateTable<User>();
        db.CreateTable<Photo>();
        db.Execute("CREATE INDEX \"IX_Photo_UserId\" ON \"Photo\" (\"UserId\")");
        db.BulkCopy(PhotoData.Users());
        db.BulkCopy(PhotoData.Photos());
    }
}

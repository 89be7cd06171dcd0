using CacheBot.Benchmarks.Fixtures;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// A SQLite file in WAL mode seeded with <see cref="PhotoData"/>, which several "processes" open: in a fresh directory under
/// <c>/dev/shm</c> when it exists (commits cost no disk flush), else the temporary directory; deleted on dispose.
/// </summary>
internal sealed class SharedSqliteFile : IDisposable
{
    private readonly string _directory;

    private SharedSqliteFile(string directory)
    {
        _directory = directory;
        Options = new DataOptions().UseSQLite("Data Source=" + Path.Combine(directory, "photos.db") + ";Default Timeout=60", SQLiteProvider.Microsoft);
    }

    /// <summary>Gets plain linq2db options for the file (each process adds <c>UseCacheBot</c>).</summary>
    public DataOptions Options { get; }

    public static SharedSqliteFile Create()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = Path.Combine(root, "cachebot-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var file = new SharedSqliteFile(directory);
        using var db = new DataConnection(file.Options);
        db.Execute("PRAGMA journal_mode=WAL");
        PhotoDatabase.Seed(db);
        return file;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

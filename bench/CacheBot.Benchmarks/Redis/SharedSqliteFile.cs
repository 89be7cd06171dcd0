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
    private SharedSqliteFile(string directory)
    {
        Directory = directory;
        File = Path.Combine(directory, "photos.db");
        Options = new DataOptions().UseSQLite("Data Source=" + File + ";Default Timeout=60", SQLiteProvider.Microsoft);
    }

    /// <summary>Gets the directory holding the file (removed on dispose).</summary>
    public string Directory { get; }

    /// <summary>Gets the path of the database file.</summary>
    public string File { get; }

    /// <summary>Gets plain linq2db options for the file (each process adds <c>UseCacheBot</c>).</summary>
    public DataOptions Options { get; }

    public static SharedSqliteFile Create()
    {
        var root = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = Path.Combine(root, "cachebot-bench-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Tests.Writes;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;

namespace CacheBot.Linq2Db.Tests.Lifecycle;

/// <summary>
/// One database for one lifecycle case: a SQLite file in WAL mode (readers on other connections never block on an open
/// write transaction, and see the last committed state) or a PostgreSQL schema, both through pooled connections, with six <see cref="EPhoto"/> rows
/// (Id i, UserId i % 2, Status 2 for ids 1-3 and 1 above, Title "t" + i), a cache, and CacheBot options over it.
/// </summary>
internal sealed class LifecycleDatabase : IDisposable
{
    private readonly IsolatedDatabase? _postgres;
    private readonly string? _file;

    public LifecycleDatabase(bool postgres)
    {
        IsPostgres = postgres;
        if (postgres)
        {
            _postgres = IsolatedDatabase.Postgres("cblife");
            // Pooled (the isolated schema's default is unpooled): a connection the application closes goes back to the pool,
            // which must not keep its transaction. The pool is cleared on dispose.
            Plain = new DataOptions().UsePostgreSQL(_postgres.Options.ConnectionOptions.ConnectionString + ";Pooling=true;Maximum Pool Size=8");
        }
        else
        {
            _file = Path.Combine(Path.GetTempPath(), TestDatabases.UniqueName("cblife") + ".db");
            Plain = new DataOptions().UseSQLite("Data Source=" + _file, SQLiteProvider.Microsoft);
        }

        using (var setup = new DataConnection(Plain))
        {
            if (!postgres)
            {
                setup.Execute("PRAGMA journal_mode=WAL");
            }

            setup.CreateTable<EPhoto>();
            for (var i = 1; i <= 6; i++)
            {
                setup.Insert(new EPhoto { Id = i, UserId = i % 2, Status = i <= 3 ? 2 : 1, Title = "t" + i });
            }

            Provider = setup.DataProvider;
        }

        Options = Plain.UseCacheBot(Cache);
    }

    public bool IsPostgres { get; }

    public QueryCache Cache { get; } = new(new QueryCacheOptions());

    /// <summary>Gets plain linq2db options (no CacheBot): the oracle.</summary>
    public DataOptions Plain { get; }

    /// <summary>Gets CacheBot options over the same database.</summary>
    public DataOptions Options { get; }

    public LinqToDB.DataProvider.IDataProvider Provider { get; }

    /// <summary>The connection string of the database (for connections the application owns).</summary>
    public string ConnectionString => IsPostgres ? Plain.ConnectionOptions.ConnectionString! : "Data Source=" + _file;

    public void Dispose()
    {
        Cache.Dispose();
        if (_postgres is not null)
        {
            using (var connection = new Npgsql.NpgsqlConnection(Plain.ConnectionOptions.ConnectionString))
            {
                Npgsql.NpgsqlConnection.ClearPool(connection);
            }

            _postgres.Dispose();
        }

        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(_file + suffix);
                }
                catch (IOException)
                {
                    // Best effort: a temp file.
                }
            }
        }
    }
}

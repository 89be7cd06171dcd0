using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Writes;

/// <summary>
/// End-to-end fixture for raw SQL through a tracked connection: an isolated database (SQLite in memory or a PostgreSQL
/// schema) with the <see cref="EPhoto"/> table, a cache, and helpers that fill the cache (proving the second read is a hit)
/// and compare a cached query with the database's answer.
/// </summary>
public abstract class RawSqlTestBase : IDisposable
{
    private IsolatedDatabase? _database;
    private DataOptions? _options;

    protected QueryCache Cache { get; } = new(new QueryCacheOptions());

    protected abstract bool IsPostgres { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Gets CacheBot-enabled options for the test database (created on first use).</summary>
    protected DataOptions Options
    {
        get
        {
            if (_options is null)
            {
                _database = CreateDatabase();
                _options = _database.Options.UseCacheBot(Cache);
                using var setup = new DataConnection(_options);
                setup.CreateTable<EPhoto>();
                for (var i = 1; i <= 6; i++)
                {
                    setup.Insert(new EPhoto { Id = i, UserId = i % 2, Status = i <= 3 ? 2 : 1, Title = "t" + i });
                }
            }

            return _options;
        }
    }

    /// <summary>Gets plain linq2db options for the same database (no CacheBot).</summary>
    protected DataOptions PlainOptions
    {
        get
        {
            _ = Options;
            return _database!.Options;
        }
    }

    public virtual void Dispose()
    {
        Cache.Dispose();
        if (IsPostgres && _database is not null)
        {
            // Each isolated schema has its own connection string, hence its own pool: release its idle connections.
            using var connection = new Npgsql.NpgsqlConnection(_database.Options.ConnectionOptions.ConnectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        _database?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract IsolatedDatabase CreateDatabase();

    protected DataConnection Open() => new(Options);

    protected static List<int> CachedIds(DataConnection db, int status) =>
        [.. db.GetTable<EPhoto>().AsCacheBot().Cache().Where(p => p.Status == status).Select(p => p.Id).ToList().Order()];

    protected static List<int> TrueIds(DataConnection db, int status) =>
        [.. db.GetTable<EPhoto>().Where(p => p.Status == status).Select(p => p.Id).ToList().Order()];

    protected static string? CachedTitle(DataConnection db, int id) =>
        db.GetTable<EPhoto>().AsCacheBot().Cache().Where(p => p.Id == id).Select(p => p.Title).ToList().FirstOrDefault();

    protected static List<int> CachedIdsByTitle(DataConnection db, string title) =>
        [.. db.GetTable<EPhoto>().AsCacheBot().Cache().Where(p => p.Title == title).Select(p => p.Id).ToList().Order()];

    protected static List<int> TrueIdsByTitle(DataConnection db, string title) =>
        [.. db.GetTable<EPhoto>().Where(p => p.Title == title).Select(p => p.Id).ToList().Order()];

    protected static string? TrueTitle(DataConnection db, int id) => db.GetTable<EPhoto>().Where(p => p.Id == id).Select(p => p.Title).FirstOrDefault();

    /// <summary>Fills the cache for status <paramref name="status"/> and proves the second read was served from it.</summary>
    protected List<int> Warm(DataConnection db, int status)
    {
        var first = CachedIds(db, status);
        var hits = Cache.Statistics.Hits;
        Assert.Equal(first, CachedIds(db, status));
        Assert.True(Cache.Statistics.Hits > hits, "the second read must be a hit, or the test proves nothing");
        return first;
    }

    /// <summary>Fills the cache for the title of row <paramref name="id"/> and proves the second read was a hit.</summary>
    protected string? WarmTitle(DataConnection db, int id)
    {
        var first = CachedTitle(db, id);
        var hits = Cache.Statistics.Hits;
        Assert.Equal(first, CachedTitle(db, id));
        Assert.True(Cache.Statistics.Hits > hits, "the second read must be a hit, or the test proves nothing");
        return first;
    }

    /// <summary>Asserts that, read through a fresh connection, the cached answers equal the database's.</summary>
    protected void AssertNotStale(params int[] statuses)
    {
        using var db = Open();
        foreach (var status in statuses)
        {
            Assert.Equal(TrueIds(db, status), CachedIds(db, status));
        }

        for (var id = 1; id <= 8; id++)
        {
            Assert.Equal(TrueTitle(db, id), CachedTitle(db, id));
        }
    }
}

[Table("EPhoto")]
public sealed class EPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";
}

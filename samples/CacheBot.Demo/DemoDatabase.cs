using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CacheBot.Demo;

/// <summary>
/// The database the demo runs on: embedded in-memory SQLite (shared cache, kept alive by one open connection) or a
/// fresh schema on PostgreSQL that is dropped on dispose.
/// </summary>
public sealed class DemoDatabase : IDisposable
{
    private readonly Func<DataOptions> _baseOptions;
    private readonly SqliteConnection? _keepAlive;
    private readonly string? _adminConnectionString;
    private readonly string? _schema;

    private DemoDatabase(string description, Func<DataOptions> baseOptions, SqliteConnection? keepAlive, string? adminConnectionString, string? schema)
    {
        Description = description;
        _baseOptions = baseOptions;
        _keepAlive = keepAlive;
        _adminConnectionString = adminConnectionString;
        _schema = schema;
    }

    /// <summary>Gets a one-line description for the report.</summary>
    public string Description { get; }

    /// <summary>Creates an empty in-memory SQLite database that lives until dispose.</summary>
    public static DemoDatabase CreateSqlite()
    {
        var name = "cachebot-demo-" + Guid.NewGuid().ToString("N");
        var cs = $"Data Source={name};Mode=Memory;Cache=Shared";
        var keepAlive = new SqliteConnection(cs);
        keepAlive.Open();
        return new DemoDatabase(
            $"SQLite {keepAlive.ServerVersion} (in-memory, shared cache)",
            () => new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft),
            keepAlive,
            null,
            null);
    }

    /// <summary>Opens (or creates) a SQLite file shared by several processes, in WAL mode.</summary>
    public static DemoDatabase OpenSqliteFile(string path, bool create)
    {
        var cs = $"Data Source={path};Default Timeout=60";
        if (create)
        {
            using var connection = new SqliteConnection(cs);
            connection.Open();
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL";
            wal.ExecuteNonQuery();
        }

        return new DemoDatabase($"SQLite file {path} (WAL, shared by every process)", () => new DataOptions().UseSQLite(cs, SQLiteProvider.Microsoft), null, null, null);
    }

    /// <summary>Points every connection at an existing schema another process created (and drops).</summary>
    public static DemoDatabase AttachPostgres(string connectionString, string schema)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        return new DemoDatabase($"PostgreSQL (schema {schema}, shared by every process)", () => new DataOptions().UsePostgreSQL(cs), null, null, null);
    }

    /// <summary>Gets the name of the PostgreSQL schema this database created, if any.</summary>
    public string? Schema => _schema;

    /// <summary>Counts what an earlier process seeded.</summary>
    public SeedSummary CountSeed()
    {
        using var db = new DataConnection(PlainOptions());
        return new SeedSummary(
            db.GetTable<User>().Count(), db.GetTable<Album>().Count(), db.GetTable<Photo>().Count(), db.GetTable<Tag>().Count(),
            db.GetTable<PhotoTag>().Count(), db.GetTable<Comment>().Count());
    }

    /// <summary>Creates a fresh schema on the PostgreSQL server and points every connection at it.</summary>
    public static DemoDatabase CreatePostgres(string connectionString)
    {
        var schema = $"cachebot_demo_{Environment.ProcessId}_{Random.Shared.Next(100_000, 999_999)}";
        string version;
        using (var admin = new NpgsqlConnection(connectionString))
        {
            admin.Open();
            version = admin.PostgreSqlVersion.ToString();
            using var create = admin.CreateCommand();
            create.CommandText = $"CREATE SCHEMA {schema}";
            create.ExecuteNonQuery();
        }

        var cs = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        return new DemoDatabase(
            $"PostgreSQL {version} (schema {schema}, dropped at the end)",
            () => new DataOptions().UsePostgreSQL(cs),
            null,
            connectionString,
            schema);
    }

    /// <summary>Gets options for a connection that caches through <paramref name="cache"/> and invalidates on its writes.</summary>
    public DataOptions CachedOptions(QueryCache cache) => _baseOptions().UseCacheBot(cache);

    /// <summary>Gets options for a plain linq2db connection: the freshness oracle, and the seeding connection.</summary>
    public DataOptions PlainOptions() => _baseOptions();

    /// <summary>Creates the tables and indexes, and fills them with deterministic pseudo-random data.</summary>
    public SeedSummary CreateAndSeed(DemoOptions options)
    {
        using var db = new DataConnection(PlainOptions());
        db.CreateTable<User>();
        db.CreateTable<Album>();
        db.CreateTable<Photo>();
        db.CreateTable<Tag>();
        db.CreateTable<PhotoTag>();
        db.CreateTable<Comment>();
        foreach (var sql in new[]
                 {
                     "CREATE INDEX ix_demo_albums_user ON demo_albums (user_id)",
                     "CREATE INDEX ix_demo_photos_user_status ON demo_photos (user_id, status)",
                     "CREATE INDEX ix_demo_photos_album ON demo_photos (album_id)",
                     "CREATE INDEX ix_demo_photo_tags_tag ON demo_photo_tags (tag_id)",
                     "CREATE INDEX ix_demo_comments_photo ON demo_comments (photo_id)",
                     "CREATE INDEX ix_demo_comments_user ON demo_comments (user_id)",
                     "CREATE INDEX ix_demo_users_name ON demo_users (name)",
                 })
        {
            db.Execute(sql);
        }

        var rng = new Random(options.Seed);
        var bulk = new BulkCopyOptions { BulkCopyType = BulkCopyType.Default };
        var users = Enumerable.Range(1, options.Users)
            .Select(i => new User { Name = $"user{i:D5}", Country = Seed.Countries[rng.Next(Seed.Countries.Length)], IsActive = rng.NextDouble() < 0.9, Karma = rng.Next(1000) })
            .ToList();
        db.BulkCopy(bulk, users);

        var albums = new List<Album>();
        var albumsOfUser = new List<int>[options.Users + 1];
        for (var u = 1; u <= options.Users; u++)
        {
            albumsOfUser[u] = [];
            var count = 1 + rng.Next(4);
            for (var a = 0; a < count; a++)
            {
                albums.Add(new Album { UserId = u, Title = $"album {a + 1} of user{u:D5}", IsPublic = rng.NextDouble() < 0.7 });
                albumsOfUser[u].Add(albums.Count);
            }
        }

        db.BulkCopy(bulk, albums);

        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var photos = new List<Photo>();
        for (var u = 1; u <= options.Users; u++)
        {
            for (var k = 0; k < options.PhotosPerUser; k++)
            {
                var albumIds = albumsOfUser[u];
                photos.Add(new Photo
                {
                    UserId = u,
                    AlbumId = albumIds[rng.Next(albumIds.Count)],
                    Title = $"photo {k + 1} by user{u:D5}",
                    Status = Seed.RandomStatus(rng),
                    Likes = rng.Next(500),
                    CreatedAt = start.AddMinutes(rng.Next(500_000)),
                });
            }
        }

        db.BulkCopy(bulk, photos);
        db.BulkCopy(bulk, Seed.TagNames.Select(n => new Tag { Name = n }));

        var photoTags = new HashSet<(int, int)>();
        for (var p = 1; p <= photos.Count; p++)
        {
            var count = rng.Next(4);
            for (var t = 0; t < count; t++)
            {
                photoTags.Add((p, 1 + rng.Next(Seed.TagNames.Length)));
            }
        }

        db.BulkCopy(bulk, photoTags.Select(pt => new PhotoTag { PhotoId = pt.Item1, TagId = pt.Item2 }));

        var comments = Enumerable.Range(0, photos.Count)
            .Select(_ => new Comment { PhotoId = 1 + rng.Next(photos.Count), UserId = 1 + rng.Next(options.Users), Body = Seed.RandomComment(rng), Score = rng.Next(-5, 50) })
            .ToList();
        db.BulkCopy(bulk, comments);

        // The workload assumes the identity columns numbered the rows 1..N in insertion order.
        var maxUser = db.GetTable<User>().Max(u => u.Id);
        var maxAlbum = db.GetTable<Album>().Max(a => a.Id);
        var maxPhoto = db.GetTable<Photo>().Max(p => p.Id);
        if (maxUser != users.Count || maxAlbum != albums.Count || maxPhoto != photos.Count)
        {
            throw new InvalidOperationException($"Seeding numbered rows unexpectedly (users {maxUser}/{users.Count}, albums {maxAlbum}/{albums.Count}, photos {maxPhoto}/{photos.Count}).");
        }

        return new SeedSummary(users.Count, albums.Count, photos.Count, Seed.TagNames.Length, photoTags.Count, comments.Count);
    }

    /// <summary>Drops the PostgreSQL schema, or closes the last SQLite connection (which frees the in-memory database).</summary>
    public void Dispose()
    {
        _keepAlive?.Dispose();
        if (_adminConnectionString is not null && _schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(_adminConnectionString);
            admin.Open();
            using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS {_schema} CASCADE";
            drop.ExecuteNonQuery();
        }
    }
}

/// <summary>How many rows were seeded.</summary>
public sealed record SeedSummary(int Users, int Albums, int Photos, int Tags, int PhotoTags, int Comments)
{
    public override string ToString() =>
        $"{Users:N0} users, {Albums:N0} albums, {Photos:N0} photos, {Tags:N0} tags, {PhotoTags:N0} photo tags, {Comments:N0} comments";
}

/// <summary>Seed vocabularies.</summary>
public static class Seed
{
    public static readonly string[] Countries = ["US", "FR", "DE", "JP", "BR", "IN", "GB", "CA", "ES", "IT"];

    public static readonly string[] TagNames =
    [
        "sunset", "beach", "city", "night", "portrait", "food", "cat", "dog", "mountain", "snow",
        "street", "travel", "macro", "flowers", "car", "bridge", "forest", "river", "sky", "family",
        "wedding", "concert", "sport", "bw", "film", "drone", "desert", "lake", "autumn", "spring",
    ];

    private static readonly string[] Words = ["nice", "great", "wow", "love", "the", "light", "colors", "shot", "composition", "amazing", "so", "good"];

    public static int RandomStatus(Random rng) => rng.Next(10) switch
    {
        < 2 => 0,
        < 8 => 1,
        8 => 2,
        _ => 3,
    };

    public static string RandomComment(Random rng) =>
        string.Join(' ', Enumerable.Range(0, 2 + rng.Next(5)).Select(_ => Words[rng.Next(Words.Length)]));
}

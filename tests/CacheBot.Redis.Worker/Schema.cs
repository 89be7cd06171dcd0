using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;

namespace CacheBot.Redis.Worker;

/// <summary>The shared database of a multi-process run: a SQLite file in WAL mode or a PostgreSQL schema.</summary>
public static class Schema
{
    public static readonly string[] Names = ["ann", "bob", "cid", "dee", "eve", "fay"];
    public static readonly string[] TagNames = ["sun", "sea", "sky", "dog", "cat"];
    public const int Users = 12;
    public const int SeedPhotos = 200;

    public static DataOptions Options(string provider, string connectionString) => provider switch
    {
        "sqlite" => new DataOptions().UseSQLite(connectionString, SQLiteProvider.Microsoft),
        "postgres" => new DataOptions().UsePostgreSQL(connectionString),
        _ => throw new ArgumentException("provider must be sqlite or postgres", nameof(provider)),
    };

    /// <summary>Creates the tables and seeds them (version 0; the counter starts at 0).</summary>
    public static void CreateAndSeed(string provider, string connectionString, int seed)
    {
        using var db = new DataConnection(Options(provider, connectionString));
        if (provider == "sqlite")
        {
            db.Execute("PRAGMA journal_mode=WAL");
        }

        db.CreateTable<RUser>();
        db.CreateTable<RPhoto>();
        db.CreateTable<RTag>();
        db.CreateTable<RCounter>();
        db.Insert(new RCounter { Id = 1, Value = 0 });
        var random = new Random(seed);
        for (var u = 0; u < Users; u++)
        {
            db.Insert(new RUser { Id = u, Name = Names[u % Names.Length], Level = u % 3 });
        }

        for (var id = 1; id <= SeedPhotos; id++)
        {
            db.Insert(NewPhoto(random, id, 0));
        }

        for (var t = 0; t < 250; t++)
        {
            db.Insert(new RTag { PhotoId = 1 + random.Next(SeedPhotos), Name = TagNames[random.Next(TagNames.Length)] });
        }
    }

    public static RPhoto NewPhoto(Random random, int id, long version) => new()
    {
        Id = id,
        UserId = random.Next(Users),
        Status = random.Next(4),
        Title = "t" + random.Next(100),
        AlbumId = random.Next(4) == 0 ? null : random.Next(3),
        IsPublic = random.Next(2) == 0,
        Version = version,
    };
}

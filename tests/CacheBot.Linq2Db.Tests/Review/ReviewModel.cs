using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Mapping;
using Microsoft.Data.Sqlite;

namespace CacheBot.Linq2Db.Tests.Review;

[Table("RUser")]
public sealed class RUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = string.Empty;

    [Association(ThisKey = nameof(Id), OtherKey = nameof(RPhoto.UserId))]
    public List<RPhoto> Photos { get; set; } = [];
}

[Table("RPhoto")]
public sealed class RPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int? AlbumId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column]
    public int TenantId { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = string.Empty;

    [Column]
    public DateTime Created { get; set; }

    [Column]
    public decimal Price { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(RUser.Id), CanBeNull = false)]
    public RUser User { get; set; } = null!;
}

/// <summary>A data connection with per-instance state that queries (and query filters) read.</summary>
public sealed class TenantDb(DataOptions options, int tenantId) : DataConnection(options)
{
    public int TenantId { get; } = tenantId;
}

/// <summary>A named shared-cache in-memory SQLite database with the review schema, kept alive for one test.</summary>
public sealed class ReviewSqlite : IDisposable
{
    public const string Schema = """
        CREATE TABLE "RUser" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL);
        CREATE TABLE "RPhoto" ("Id" INTEGER PRIMARY KEY, "UserId" INTEGER NOT NULL REFERENCES "RUser"("Id") ON DELETE CASCADE,
            "AlbumId" INTEGER NULL, "Status" INTEGER NOT NULL, "TenantId" INTEGER NOT NULL, "Title" TEXT NOT NULL UNIQUE,
            "Created" TEXT NOT NULL, "Price" DECIMAL(30,20) NOT NULL);
        INSERT INTO "RUser" VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
        INSERT INTO "RPhoto" VALUES (1, 1, NULL, 1, 1, 'p1', '2024-01-01 10:00:00.000', 1.5);
        INSERT INTO "RPhoto" VALUES (2, 1, 7,    2, 1, 'p2', '2024-01-01 10:00:00.000', 2.5);
        INSERT INTO "RPhoto" VALUES (3, 2, 7,    2, 2, 'p3', '2024-01-01 10:00:00.000', 3.5);
        """;

    private readonly SqliteConnection _keepAlive;

    public ReviewSqlite(QueryCache cache, string? extraDdl = null)
    {
        ConnectionString = $"Data Source={Infrastructure.TestDatabases.UniqueName("review")};Mode=Memory;Cache=Shared;Foreign Keys=True";
        _keepAlive = new SqliteConnection(ConnectionString);
        _keepAlive.Open();
        using var command = _keepAlive.CreateCommand();
        command.CommandText = Schema + (extraDdl ?? string.Empty);
        command.ExecuteNonQuery();
        Cache = cache;
        PlainOptions = new DataOptions().UseSQLite(ConnectionString, SQLiteProvider.Microsoft);
        Options = PlainOptions.UseCacheBot(cache);
    }

    public string ConnectionString { get; }

    public QueryCache Cache { get; }

    public DataOptions Options { get; }

    public DataOptions PlainOptions { get; }

    public DataConnection Open() => new(Options);

    public DataConnection OpenPlain() => new(PlainOptions);

    public void Dispose() => _keepAlive.Dispose();
}

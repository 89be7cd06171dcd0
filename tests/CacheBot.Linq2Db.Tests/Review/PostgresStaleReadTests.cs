using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Review;

[Table("PCode")]
public sealed class PCode
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column(DataType = DataType.NChar, Length = 5), NotNull]
    public string Code { get; set; } = string.Empty;

    [Column]
    public int Status { get; set; }

    [Column(DataType = DataType.DateTime2)]
    public DateTime Stamp { get; set; }
}

/// <summary>Adversarial soundness review on PostgreSQL (skipped unless CACHEBOT_TEST_PG is set).</summary>
public sealed class PostgresStaleReadTests : IDisposable
{
    private readonly string? _schema;
    private readonly QueryCache _cache = new(new QueryCacheOptions());
    private readonly DataOptions? _options;

    public PostgresStaleReadTests()
    {
        if (Infrastructure.TestDatabases.PostgresConnectionString is not { } cs)
        {
            return;
        }

        _schema = Infrastructure.TestDatabases.UniqueName("cbreview");
        using (var admin = new DataConnection(new DataOptions().UsePostgreSQL(cs)))
        {
            admin.Execute($"CREATE SCHEMA \"{_schema}\"");
        }

        _options = new DataOptions().UsePostgreSQL(cs + ";Search Path=" + _schema, PostgreSQLVersion.v15).UseCacheBot(_cache);
        using var setup = new DataConnection(_options);
        setup.Execute(ReviewSqlite.Schema.Replace("DECIMAL(30,20)", "NUMERIC(30,20)", StringComparison.Ordinal).Replace("\"Created\" TEXT", "\"Created\" TIMESTAMP", StringComparison.Ordinal));
        setup.Execute("""
            CREATE TABLE "PCode" ("Id" INTEGER PRIMARY KEY, "Code" CHAR(5) NOT NULL, "Status" INTEGER NOT NULL, "Stamp" TIMESTAMP NOT NULL);
            INSERT INTO "PCode" VALUES (1, 'AB', 1, '2024-01-01 10:00:00'), (2, 'CD', 1, '2024-01-01 10:00:00');
            """);
    }

    public void Dispose()
    {
        _cache.Dispose();
        if (_schema is not null && Infrastructure.TestDatabases.PostgresConnectionString is { } cs)
        {
            using var admin = new DataConnection(new DataOptions().UsePostgreSQL(cs));
            admin.Execute($"DROP SCHEMA \"{_schema}\" CASCADE");
        }
    }

    private DataConnection Open()
    {
        Infrastructure.TestDatabases.SkipUnlessPostgres();
        return new DataConnection(_options!);
    }

    private static List<int> Ids(IEnumerable<RPhoto> photos) => [.. photos.Select(p => p.Id).Order()];

    [Fact]
    public void DataModifyingCte_RawSql_InvalidatesDeletedRows()
    {
        using var db = Open();
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        var deleted = db.Execute<int>("WITH d AS (DELETE FROM \"RPhoto\" WHERE \"Id\" = 3 RETURNING *) SELECT count(*)::int FROM d");

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.Status == 2).ToList());
        Assert.Equal(1, deleted);
        Assert.Equal([2, 3], before);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void ExplainAnalyzeDelete_RawSql_InvalidatesDeletedRows()
    {
        using var db = Open();
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.Execute("EXPLAIN ANALYZE DELETE FROM \"RPhoto\" WHERE \"Id\" = 3");

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.Status == 2).ToList());
        Assert.Equal([2], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void CharColumnPadding_UpdateOtherColumn_NotStale()
    {
        using var db = Open();
        var code = "AB";
        var before = db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Code == code).Select(c => c.Status).ToList();
        Assert.Equal(before, db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Code == code).Select(c => c.Status).ToList()); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<PCode>().Where(c => c.Id == 1).Set(c => c.Status, 5).Update();

        var cached = db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Code == code).Select(c => c.Status).ToList();
        var truth = db.GetTable<PCode>().Where(c => c.Code == code).Select(c => c.Status).ToList();
        Assert.Equal([1], before);
        Assert.Equal([5], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void TimestampSubMicrosecond_UpdateOtherColumn_NotStale()
    {
        using var db = Open();
        var stamp = new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1234567);
        db.Insert(new PCode { Id = 3, Code = "EF", Status = 1, Stamp = stamp });

        var before = db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Stamp == stamp).Select(c => c.Status).ToList();
        Assert.Equal(before, db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Stamp == stamp).Select(c => c.Status).ToList()); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<PCode>().Where(c => c.Id == 3).Set(c => c.Status, 5).Update();

        var cached = db.GetTable<PCode>().AsCacheBot().Cache().Where(c => c.Stamp == stamp).Select(c => c.Status).ToList();
        var truth = db.GetTable<PCode>().Where(c => c.Stamp == stamp).Select(c => c.Status).ToList();
        Assert.Equal(before.Count, truth.Count);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void UpdateFromNavigation_PostgresUpdateFrom_NotStale()
    {
        using var db = Open();
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "bob").ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "bob").ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.User.Name == "bob").Set(p => p.Title, p => p.User.Name).Update();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "bob").ToList());
        Assert.Empty(before);
        Assert.Equal([3], cached);
    }

    [Fact]
    public void InsertOrUpdate_OnConflict_NotStale()
    {
        using var db = Open();
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().InsertOrUpdate(
            () => new RPhoto { Id = 2, UserId = 1, Status = 1, TenantId = 1, Title = "p2", Created = new DateTime(2024, 1, 1), Price = 1 },
            p => new RPhoto { Status = 1 });

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal([1], before);
        Assert.Equal([1, 2], cached);
    }

    [Fact]
    public void Merge_UpdatesMatched_NotStale()
    {
        using var db = Open();
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>()
            .Merge()
            .Using(db.GetTable<RPhoto>().Where(p => p.Id == 3))
            .OnTargetKey()
            .UpdateWhenMatched((t, s) => new RPhoto { Status = 1 })
            .Merge();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal([1], before);
        Assert.Equal([1, 3], cached);
    }

    [Fact]
    public void DecimalTrailingZeros_UpdateOtherColumn_NotStale()
    {
        using var db = Open();
        var price = 2.50m;
        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price && p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price && p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Id == 2).Set(p => p.Status, 4).Update();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price && p.Status == 2).ToList());
        Assert.Equal([2], before);
        Assert.Empty(cached);
    }
}

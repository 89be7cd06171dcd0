using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Review;

/// <summary>
/// Adversarial soundness review (SQLite): each test runs a query cached, writes through a tracked path, runs it cached
/// again and compares with the uncached truth.
/// </summary>
public sealed class SqliteStaleReadTests
{
    private static List<int> Ids(IEnumerable<RPhoto> photos) => [.. photos.Select(p => p.Id).Order()];

    private static List<int> ByTenant(TenantDb db) =>
        Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.TenantId == db.TenantId).ToList());

    [Fact]
    public void DataContextMember_InPredicate_TwoContextsDifferentValues_ReturnsOwnRows()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var tenant1 = new TenantDb(sqlite.Options, 1);
        using var tenant2 = new TenantDb(sqlite.Options, 2);

        var first = ByTenant(tenant1);
        var second = ByTenant(tenant2);

        Assert.Equal([1, 2], first);
        Assert.Equal([3], second); // cached tenant-1 rows come back: the key hashes the data context by type only
    }

    [Fact]
    public void QueryFilter_ReadingDataContext_TwoContextsDifferentValues_ReturnsOwnRows()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        var mapping = new MappingSchema();
        new FluentMappingBuilder(mapping).Entity<RPhoto>().HasQueryFilter<TenantDb>((p, db) => p.TenantId == db.TenantId).Build();
        var options = sqlite.Options.UseMappingSchema(mapping);
        using var tenant1 = new TenantDb(options, 1);
        using var tenant2 = new TenantDb(options, 2);

        var first = Ids(tenant1.GetTable<RPhoto>().AsCacheBot().Cache().ToList());
        var second = Ids(tenant2.GetTable<RPhoto>().AsCacheBot().Cache().ToList());

        Assert.Equal([1, 2], first);
        Assert.Equal([3], second);
    }

    [Fact]
    public void RawSqlBegin_WriteReadRollback_DoesNotServeRolledBackRow()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        db.Execute("BEGIN");
        db.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 9).Update();
        // Not seen as "inside a transaction" (the transaction was begun in SQL): this read is cached.
        var inside = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 9).ToList());
        db.Execute("ROLLBACK");

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 9).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.Status == 9).ToList());
        Assert.Equal([1], inside);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void RawSqlBegin_OtherConnectionReadsBeforeCommit_NotStaleAfterCommit()
    {
        // A file database: two connections, one writer in a SQL-level transaction, one reader.
        var file = Path.Combine(Path.GetTempPath(), Infrastructure.TestDatabases.UniqueName("review") + ".db");
        try
        {
            using var cache = new QueryCache(new QueryCacheOptions());
            var options = new DataOptions().UseSQLite("Data Source=" + file + ";Pooling=False", SQLiteProvider.Microsoft).UseCacheBot(cache);
            using (var setup = new DataConnection(options))
            {
                setup.Execute(ReviewSqlite.Schema);
            }

            using var writer = new DataConnection(options);
            using var reader = new DataConnection(options);
            writer.Execute("BEGIN");
            writer.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 9).Update(); // invalidates now, before COMMIT
            var before = Ids(reader.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 9).ToList()); // old data, fresh stamps
            writer.Execute("COMMIT");

            var cached = Ids(reader.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 9).ToList());
            var truth = Ids(reader.GetTable<RPhoto>().Where(p => p.Status == 9).ToList());
            Assert.Empty(before);
            Assert.Equal([1], truth);
            Assert.Equal(truth, cached);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public void TwoConnectionStrings_SameDatabase_WriteThroughOneInvalidatesOther()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        var otherOptions = new DataOptions().UseSQLite(sqlite.ConnectionString + ";Default Timeout=60", SQLiteProvider.Microsoft).UseCacheBot(cache);
        using var readerDb = sqlite.Open();
        using var writerDb = new DataConnection(otherOptions);

        var before = Ids(readerDb.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(readerDb.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        writerDb.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 2).Update();

        var cached = Ids(readerDb.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        var truth = Ids(readerDb.GetTable<RPhoto>().Where(p => p.Status == 2).ToList());
        Assert.Equal([2, 3], before);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void OnDeleteCascade_DeleteParent_ChildQueryNotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RUser>().Where(u => u.Id == 2).Delete(); // cascades to RPhoto 3

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.Status == 2).ToList());
        Assert.Equal([2, 3], before);
        Assert.Equal([2], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void LeftJoin_NullAtomOnOuterSide_InsertMatchingRow_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        List<int> Run(IQueryable<RUser> users, IQueryable<RPhoto> photos) =>
            [.. (from u in users
                 join p in photos on u.Id equals p.UserId into ps
                 from p in ps.DefaultIfEmpty()
                 where p.AlbumId == null
                 select u.Id).ToList().Order()];

        var users = db.GetTable<RUser>();
        var photos = db.GetTable<RPhoto>();
        var before = Run(users.AsCacheBot().Cache(), photos);
        Assert.Equal(before, Run(users.AsCacheBot().Cache(), photos)); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        Assert.Equal([1, 3], before); // 1: photo with no album, 3: no photo at all

        // Carol gets her first photo, in an album: she drops out of the result. The new row has AlbumId 7, not null.
        db.Insert(new RPhoto { Id = 4, UserId = 3, AlbumId = 7, Status = 1, TenantId = 1, Title = "p4", Created = new DateTime(2024, 1, 1), Price = 1 });

        var cached = Run(users.AsCacheBot().Cache(), photos);
        var truth = Run(users, photos);
        Assert.Equal([1], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void DateTimeSubMillisecond_UpdateOtherColumn_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();
        var created = new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1234567);
        db.Insert(new RPhoto { Id = 10, UserId = 1, Status = 1, TenantId = 1, Title = "t10", Created = created, Price = 1 });

        var before = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Created == created).Select(p => p.Status).ToList();
        Assert.Equal(before, db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Created == created).Select(p => p.Status).ToList()); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Id == 10).Set(p => p.Status, 5).Update();

        var cached = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Created == created).Select(p => p.Status).ToList();
        var truth = db.GetTable<RPhoto>().Where(p => p.Created == created).Select(p => p.Status).ToList();
        Assert.Equal(before.Count, truth.Count);
        Assert.Equal(truth, cached);
    }

    [Theory]
    [InlineData("0.1234567890123456789")]
    [InlineData("12345678901234567.5")]
    [InlineData("0.3")]
    public void DecimalPrecision_UpdateOtherColumn_NotStale(string text)
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();
        var price = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        db.Insert(new RPhoto { Id = 10, UserId = 1, Status = 1, TenantId = 1, Title = "t10", Created = new DateTime(2024, 1, 1), Price = price });

        var before = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price).Select(p => p.Status).ToList();
        Assert.Equal(before, db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price).Select(p => p.Status).ToList()); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Id == 10).Set(p => p.Status, 5).Update();

        var cached = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Price == price).Select(p => p.Status).ToList();
        var truth = db.GetTable<RPhoto>().Where(p => p.Price == price).Select(p => p.Status).ToList();
        Assert.Equal(before.Count, truth.Count);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void RawUpdateOrReplace_DeletesConflictingRow_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        // Title is UNIQUE: giving photo 3 the title 'p1' replaces (deletes) photo 1.
        db.Execute("UPDATE OR REPLACE \"RPhoto\" SET \"Title\" = 'p1' WHERE \"Id\" = 3");

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.UserId == 1).ToList());
        Assert.Equal([1, 2], before);
        Assert.Equal([2], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void UpdateWhoseWhereMatchesOldValue_PreImageUsesOldRows_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Status == 2).Set(p => p.Status, 3).Update();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal([2, 3], before);
        Assert.Empty(cached);
    }

    [Fact]
    public void InsertOrReplace_Upsert_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.InsertOrReplace(new RPhoto { Id = 2, UserId = 1, AlbumId = 7, Status = 1, TenantId = 1, Title = "p2", Created = new DateTime(2024, 1, 1), Price = 2.5m });

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 1).ToList());
        Assert.Equal([1], before);
        Assert.Equal([1, 2], cached);
    }

    [Fact]
    public void UpdateWithSubqueryInSet_OtherTableRead_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "alice").Select(p => p.Id).ToList();
        Assert.Equal(before, db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "alice").Select(p => p.Id).ToList()); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Title, p => p.User.Name).Update();

        var cached = db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Title == "alice").Select(p => p.Id).ToList();
        Assert.Empty(before);
        Assert.Equal([1], cached);
    }

    [Fact]
    public void TakeThenDelete_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        var firstTwo = db.GetTable<RPhoto>().Where(q => q.Status == 2).OrderBy(q => q.Id).Take(1).Select(q => q.Id);
        db.GetTable<RPhoto>().Where(p => firstTwo.Contains(p.Id)).Delete();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Status == 2).ToList());
        var truth = Ids(db.GetTable<RPhoto>().Where(p => p.Status == 2).ToList());
        Assert.Equal([2, 3], before);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void NullableValueMember_UpdateToNull_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.AlbumId!.Value == 7).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.AlbumId!.Value == 7).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RPhoto>().Where(p => p.Id == 2).Set(p => p.AlbumId, (int?)null).Update();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.AlbumId!.Value == 7).ToList());
        Assert.Equal([2, 3], before);
        Assert.Equal([3], cached);
    }

    [Fact]
    public void NavigationFilter_RenameParent_NotStale()
    {
        using var cache = new QueryCache(new QueryCacheOptions());
        using var sqlite = new ReviewSqlite(cache);
        using var db = sqlite.Open();

        var before = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache(p => p.User).Where(p => p.User.Name == "bob" && p.Status == 2).ToList());
        Assert.Equal(before, Ids(db.GetTable<RPhoto>().AsCacheBot().Cache(p => p.User).Where(p => p.User.Name == "bob" && p.Status == 2).ToList())); // non-vacuous: the second run is a hit
        Assert.True(cache.Statistics.Hits > 0);
        db.GetTable<RUser>().Where(u => u.Id == 1).Set(u => u.Name, "bob").Update();

        var cached = Ids(db.GetTable<RPhoto>().AsCacheBot().Cache(p => p.User).Where(p => p.User.Name == "bob" && p.Status == 2).ToList());
        Assert.Equal([3], before);
        Assert.Equal([2, 3], cached);
    }
}

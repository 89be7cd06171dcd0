using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Writes;

/// <summary>
/// <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> and raw SQL write what they change: the tables they name (raw SQL), the rows
/// they change (both images: a row moved into a cached filter invalidates it), nothing when rolled back, and the whole
/// database when the SQL cannot be proven. "Kept" is asserted by counting the commands EF sends.
/// </summary>
/// <remarks>User u owns photos (u-1)*5+1 .. u*5; each photo has one comment (deleted in cascade).</remarks>
public sealed class BulkAndRawWriteTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RawUpdate_OfOneTable_KeepsQueriesOnOtherTables(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal("user1", db.Users.AsCacheBot().First(u => u.Id == 1).Name);
        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
        db.Database.ExecuteSql($"UPDATE \"Photos\" SET \"Title\" = {"raw"} WHERE \"Id\" = {1}");
        var before = shop.Counter.Readers;
        Assert.Equal("user1", db.Users.AsCacheBot().First(u => u.Id == 1).Name);
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal("raw", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
        Assert.Equal(before + 1, shop.Counter.Readers);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task ExecuteUpdate_OfOneRow_KeepsOtherRows_AndInvalidatesBothImages(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(1, db.Photos.AsCacheBot().First(p => p.Id == 1).UserId);
        Assert.Equal(1, db.Photos.AsCacheBot().First(p => p.Id == 2).UserId);
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 3));
        Assert.Equal(1, await db.Photos.Where(p => p.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, 2), ct));
        var before = shop.Counter.Readers;
        Assert.Equal(1, db.Photos.AsCacheBot().First(p => p.Id == 2).UserId);
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 3));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(2, db.Photos.AsCacheBot().First(p => p.Id == 1).UserId);
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(6, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        Assert.Equal(before + 3, shop.Counter.Readers);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ExecuteDelete_OfOneRow_KeepsOtherRows(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.Equal(1, db.Comments.Where(c => c.PhotoId == 5).ExecuteDelete());
        var before = shop.Counter.Readers;
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Equal(before + 1, shop.Counter.Readers);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ExecuteDelete_CascadesByTheDeletedRowsKeys(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        // Photo queries are not asserted as kept: a Photos query also depends on any row of its many-to-many join table,
        // which the delete cascades to.
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.NotNull(db.Photos.AsCacheBot().FirstOrDefault(p => p.Id == 5));
        Assert.Equal(1, db.Photos.Where(p => p.Id == 5).ExecuteDelete());
        var before = shop.Counter.Readers;
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 6));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 5));
        Assert.Null(db.Photos.AsCacheBot().FirstOrDefault(p => p.Id == 5));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RawDelete_WithWhere_IsRowPrecise(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 1));
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 2));
        Assert.Equal(1, db.Database.ExecuteSql($"DELETE FROM \"Comments\" WHERE \"PhotoId\" = {1} AND \"Text\" = {"c0"}"));
        var before = shop.Counter.Readers;
        Assert.Equal(1, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 2));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(0, db.Comments.AsCacheBot().Cache().Count(c => c.PhotoId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task ExecuteUpdate_InRolledBackTransaction_AppliesNothing(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal("user1", db.Users.AsCacheBot().First(u => u.Id == 1).Name);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Photos.Where(p => p.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, 2), ct);
            await db.Database.ExecuteSqlAsync($"UPDATE \"Users\" SET \"Name\" = {"gone"} WHERE \"Id\" = {1}", ct);
            await tx.RollbackAsync(ct);
        }

        var before = shop.Counter.Readers;
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal("user1", db.Users.AsCacheBot().First(u => u.Id == 1).Name);
        Assert.Equal(before, shop.Counter.Readers);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Photos.Where(p => p.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, 2), ct);
            await tx.CommitAsync(ct);
        }

        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RawStatement_TheClassifierCannotProve_WritesTheWholeDatabase(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        if (shop.Database.IsPostgres)
        {
            db.Database.ExecuteSqlRaw("CREATE FUNCTION cb_same(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x'");
        }
        else
        {
            db.Database.OpenConnection();
            ((SqliteConnection)db.Database.GetDbConnection()).CreateFunction("cb_same", (long x) => x);
        }

        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 2));
        // The function may write anything: the statement is a write of every table, not only of Users.
        db.Database.ExecuteSql($"UPDATE \"Users\" SET \"Name\" = {"x"} WHERE \"Id\" = cb_same({1})");
        var before = shop.Counter.Readers;
        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
        Assert.Equal(before + 1, shop.Counter.Readers);
    }

    [Theory]
    [InlineData("SELECT 1 ==> 2")]
    [InlineData("SELECT 5::cb_loud")]
    [InlineData("SELECT lower('X') || 'y', 5 ==> 6")]
    public void PostgresRawStatement_ReachingAWritingFunctionThroughAnOperatorOrCast_InvalidatesWhatItWrites(string sql)
    {
        using var shop = new ShopFixture("postgres");
        using var db = shop.Cached();
        db.Database.ExecuteSqlRaw(
            "CREATE FUNCTION cb_touch(a integer, b integer) RETURNS integer LANGUAGE plpgsql AS $$ " +
            "BEGIN UPDATE \"Photos\" SET \"Title\" = 'touched' WHERE \"Id\" = 1; RETURN a; END $$; " +
            "CREATE OPERATOR ==> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = cb_touch); " +
            "CREATE TYPE cb_loud AS (v integer); " +
            "CREATE FUNCTION cb_to_loud(v integer) RETURNS cb_loud LANGUAGE plpgsql AS $$ " +
            "BEGIN UPDATE \"Photos\" SET \"Title\" = 'touched' WHERE \"Id\" = 1; RETURN ROW(v); END $$; " +
            "CREATE CAST (integer AS cb_loud) WITH FUNCTION cb_to_loud(integer)");
        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);

        db.Database.ExecuteSqlRaw(sql);

        Assert.Equal("touched", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
    }

    [Fact]
    public void PostgresRawStatement_CallingOnlyReadOnlyBuiltIns_KeepsEntriesCached()
    {
        // The catalog lists the calls that are provably read-only: built-in functions, operators and casts.
        using var shop = new ShopFixture("postgres");
        using var db = shop.Cached();
        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);

        db.Database.ExecuteSqlRaw("SELECT lower('X'), ARRAY[1, 2] @> ARRAY[1], '[1]'::jsonb ->> 0, 5::text");

        var before = shop.Counter.Readers;
        Assert.Equal("p1_0", db.Photos.AsCacheBot().First(p => p.Id == 1).Title);
        Assert.Equal(before, shop.Counter.Readers);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ExecuteUpdate_OfAConvertedColumn_ReportsModelValues(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        // Kind is stored as text (EnumToStringConverter): photos 1, 4, 6, 9, ... are Raw, 2, 5, 7, 10, ... Edited.
        Assert.Equal(8, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Raw));
        Assert.Equal(8, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Edited));
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Published));
        Assert.Equal(1, db.Photos.Where(p => p.Id == 1).ExecuteUpdate(s => s.SetProperty(p => p.Kind, PhotoKind.Edited)));
        var before = shop.Counter.Readers;
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Published));
        Assert.Equal(before, shop.Counter.Readers);
        Assert.Equal(7, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Raw));
        Assert.Equal(9, db.Photos.AsCacheBot().Cache().Count(p => p.Kind == PhotoKind.Edited));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void RawTransactionControl_BypassesReadsUntilItEnds(string kind)
    {
        using var shop = new ShopFixture(kind);
        using var db = shop.Cached();
        using var other = shop.Cached();
        Assert.Equal(5, other.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        db.Database.OpenConnection();
        db.Database.ExecuteSqlRaw("BEGIN");
        db.Database.ExecuteSql($"UPDATE \"Photos\" SET \"UserId\" = {2} WHERE \"Id\" = {1}");
        // Inside the raw transaction: this context reads its own uncommitted row, and must not cache it.
        Assert.Equal(4, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        if (shop.Database.IsPostgres)
        {
            // Another connection sees the committed rows, never the uncommitted answer (SQLite's shared cache would block it).
            Assert.Equal(5, other.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        }

        db.Database.ExecuteSqlRaw("ROLLBACK");
        db.Database.CloseConnection();
        Assert.Equal(5, other.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
        Assert.Equal(5, db.Photos.AsCacheBot().Cache().Count(p => p.UserId == 1));
    }
}

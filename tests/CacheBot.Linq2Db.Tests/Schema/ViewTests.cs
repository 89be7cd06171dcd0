using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// Views read other relations: a write to a base table (or to a table read by a view of a view) must invalidate the
/// view's entries; a materialized view changes only when it is refreshed.
/// </summary>
public sealed class ViewTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE Other (Id INTEGER PRIMARY KEY, Value INTEGER NOT NULL);
        CREATE VIEW ItemView AS SELECT Id, Cat, Name FROM Item WHERE Cat = 1;
        CREATE VIEW ItemViewOfView AS SELECT v.Id, v.Cat, v.Name FROM ItemView v WHERE v.Id < 100;
        CREATE VIEW ClockView AS SELECT Id, Cat, Name FROM Item WHERE datetime('now') > '2000-01-01';
        INSERT INTO Item VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
        INSERT INTO Other VALUES (1, 10);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "Other" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL);
        CREATE VIEW "ItemView" AS SELECT "Id", "Cat", "Name" FROM "Item" WHERE "Cat" = 1;
        CREATE VIEW "ItemViewOfView" AS SELECT v."Id", v."Cat", v."Name" FROM "ItemView" v WHERE v."Id" < 100;
        CREATE VIEW "ClockView" AS SELECT "Id", "Cat", "Name" FROM "Item" WHERE now() > '2000-01-01';
        CREATE MATERIALIZED VIEW "ItemMat" AS SELECT "Id", "Cat", "Name" FROM "Item" WHERE "Cat" = 1;
        INSERT INTO "Item" VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
        INSERT INTO "Other" VALUES (1, 10);
        REFRESH MATERIALIZED VIEW "ItemMat";
        """;

    private static List<int> Rows(DataConnection db, string relation, bool cached)
    {
        var rows = db.GetTable<SItemRow>().TableName(relation);
        var query = cached ? rows.AsCacheBot().Cache() : rows;
        return [.. query.Select(r => r.Id).ToList().Order()];
    }

    [Theory]
    [InlineData("sqlite", "ItemView")]
    [InlineData("sqlite", "ItemViewOfView")]
    [InlineData("postgres", "ItemView")]
    [InlineData("postgres", "ItemViewOfView")]
    public void View_WriteToBaseTable_InvalidatesViewEntries(string provider, string view)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Rows(db, view, cached: true));

        db.GetTable<SItem>().Where(i => i.Id == 3).Set(i => i.Cat, 1).Update();

        var cached = Rows(db, view, cached: true);
        using var plain = test.OpenPlain();
        var truth = Rows(plain, view, cached: false);
        Assert.Equal([1, 2], before);
        Assert.Equal([1, 2, 3], truth);
        Assert.Equal(truth, cached);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void View_EntityInsertIntoBaseTable_InvalidatesViewEntries(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => Rows(db, "ItemViewOfView", cached: true));

        db.Insert(new SItem { Id = 4, Cat = 1, Name = "d" });

        using var plain = test.OpenPlain();
        Assert.Equal(Rows(plain, "ItemViewOfView", cached: false), Rows(db, "ItemViewOfView", cached: true));
        Assert.Contains(4, Rows(db, "ItemViewOfView", cached: true));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void View_WriteToUnrelatedTable_StaysAHit(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Rows(db, "ItemView", cached: true));

        db.GetTable<SOther>().Where(o => o.Id == 1).Set(o => o.Value, 11).Update();

        var (after, hit) = Probe.Run(test.Cache, () => Rows(db, "ItemView", cached: true));
        Assert.True(hit);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void View_ReadingTheClock_IsNotCached(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var bypasses = test.Cache.Statistics.Bypasses;

        Rows(db, "ClockView", cached: true);
        var (_, hit) = Probe.Run(test.Cache, () => Rows(db, "ClockView", cached: true));

        Assert.False(hit);
        Assert.True(test.Cache.Statistics.Bypasses > bypasses);
    }

    [Fact]
    public void MaterializedView_BaseTableWrite_StaysAHitAndEqualsTheDatabase()
    {
        using var test = SchemaDb.Create("postgres", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Rows(db, "ItemMat", cached: true));

        db.GetTable<SItem>().Where(i => i.Id == 3).Set(i => i.Cat, 1).Update();

        var (after, hit) = Probe.Run(test.Cache, () => Rows(db, "ItemMat", cached: true));
        using var plain = test.OpenPlain();
        Assert.True(hit); // a materialized view does not change until it is refreshed
        Assert.Equal(Rows(plain, "ItemMat", cached: false), after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void MaterializedView_Refresh_InvalidatesItsEntries()
    {
        using var test = SchemaDb.Create("postgres", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Rows(db, "ItemMat", cached: true));
        db.GetTable<SItem>().Where(i => i.Id == 3).Set(i => i.Cat, 1).Update();

        db.Execute("REFRESH MATERIALIZED VIEW \"ItemMat\"");

        var cached = Rows(db, "ItemMat", cached: true);
        using var plain = test.OpenPlain();
        Assert.Equal([1, 2], before);
        Assert.Equal([1, 2, 3], cached);
        Assert.Equal(Rows(plain, "ItemMat", cached: false), cached);
    }
}

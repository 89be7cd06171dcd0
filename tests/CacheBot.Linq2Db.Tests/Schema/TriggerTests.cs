using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// A trigger writes other tables (or its own) as part of a write: those writes must invalidate too. SQLite trigger
/// bodies are read for their targets; a PostgreSQL trigger function cannot be read, so a write to a table with user
/// triggers invalidates the whole database.
/// </summary>
public sealed class TriggerTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE Audit (Id INTEGER PRIMARY KEY AUTOINCREMENT, ItemId INTEGER NOT NULL);
        CREATE TABLE Other (Id INTEGER PRIMARY KEY, Value INTEGER NOT NULL);
        CREATE TRIGGER ItemAudit AFTER INSERT ON Item BEGIN INSERT INTO Audit (ItemId) VALUES (NEW.Id); END;
        CREATE TRIGGER ItemCount AFTER UPDATE OF Name ON Item BEGIN UPDATE Item SET Cat = Cat + 1 WHERE Id = 1; END;
        INSERT INTO Item VALUES (1, 1, 'a'), (2, 1, 'b');
        INSERT INTO Other VALUES (1, 10);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "Audit" ("Id" SERIAL PRIMARY KEY, "ItemId" INTEGER NOT NULL);
        CREATE TABLE "Other" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL);
        CREATE FUNCTION item_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO "Audit" ("ItemId") VALUES (NEW."Id"); RETURN NEW; END $$;
        CREATE TRIGGER item_audit AFTER INSERT ON "Item" FOR EACH ROW EXECUTE FUNCTION item_audit();
        CREATE FUNCTION item_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW."Name" IS DISTINCT FROM OLD."Name" THEN UPDATE "Item" SET "Cat" = "Cat" + 1 WHERE "Id" = 1; END IF; RETURN NEW; END $$;
        CREATE TRIGGER item_count AFTER UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION item_count();
        INSERT INTO "Item" VALUES (1, 1, 'a'), (2, 1, 'b');
        INSERT INTO "Other" VALUES (1, 10);
        """;

    private static List<int> AuditedItems(DataConnection db, bool cached)
    {
        var audits = cached ? db.GetTable<SAudit>().AsCacheBot().Cache() : db.GetTable<SAudit>();
        return [.. audits.Select(a => a.ItemId).ToList().Order()];
    }

    private static int CatOfItem1(DataConnection db, bool cached)
    {
        var items = cached ? db.GetTable<SItem>().AsCacheBot().Cache() : db.GetTable<SItem>();
        return Assert.Single(items.Where(i => i.Id == 1).ToList()).Cat;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Trigger_InsertWritesAnotherTable_InvalidatesThatTable(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        db.Insert(new SItem { Id = 3, Cat = 2, Name = "c" });

        using var plain = test.OpenPlain();
        Assert.Equal([1, 2], before); // the seed rows were audited too
        Assert.Equal([1, 2, 3], AuditedItems(plain, cached: false));
        Assert.Equal(AuditedItems(plain, cached: false), AuditedItems(db, cached: true));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Trigger_UpdateWritesAnotherRowOfTheSameTable_InvalidatesIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => CatOfItem1(db, cached: true));

        // Only row 2 is written by the statement; the trigger changes row 1, which the cached query reads by key.
        db.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Name, "renamed").Update();

        using var plain = test.OpenPlain();
        Assert.Equal(1, before);
        Assert.Equal(2, CatOfItem1(plain, cached: false));
        Assert.Equal(CatOfItem1(plain, cached: false), CatOfItem1(db, cached: true));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Trigger_WriteToTableWithoutTriggers_KeepsOtherEntries(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        db.GetTable<SOther>().Where(o => o.Id == 1).Set(o => o.Value, 11).Update();

        var (after, hit) = Probe.Run(test.Cache, () => AuditedItems(db, cached: true));
        Assert.True(hit);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Trigger_SqliteTargetsKnown_WriteKeepsEntriesOfTablesTheTriggerDoesNotWrite()
    {
        using var test = SchemaDb.Create("sqlite", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var other = Probe.Warm(test.Cache, () => db.GetTable<SOther>().AsCacheBot().Cache().Select(o => o.Value).ToList());

        db.Insert(new SItem { Id = 3, Cat = 2, Name = "c" }); // the trigger writes Audit, not Other

        var (after, hit) = Probe.Run(test.Cache, () => db.GetTable<SOther>().AsCacheBot().Cache().Select(o => o.Value).ToList());
        Assert.True(hit);
        Assert.Equal(other, after);
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// The schema closure on every path of the SQL-text write path: a single raw statement (row images read after it runs),
/// a batch (the catalog read before it runs), a batch that creates the trigger it then fires, and a batch that fails
/// after a statement whose trigger already wrote.
/// </summary>
public sealed class RawSqlClosureTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE Audit (Id INTEGER PRIMARY KEY AUTOINCREMENT, ItemId INTEGER NOT NULL);
        CREATE TABLE Other (Id INTEGER PRIMARY KEY, Value INTEGER NOT NULL);
        CREATE TRIGGER ItemAudit AFTER INSERT ON Item BEGIN INSERT INTO Audit (ItemId) VALUES (NEW.Id); END;
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
        INSERT INTO "Item" VALUES (1, 1, 'a'), (2, 1, 'b');
        INSERT INTO "Other" VALUES (1, 10);
        """;

    private static List<int> AuditedItems(DataConnection db, bool cached)
    {
        var audits = cached ? db.GetTable<SAudit>().AsCacheBot().Cache() : db.GetTable<SAudit>();
        return [.. audits.Select(a => a.ItemId).ToList().Order()];
    }

    private static void AssertAuditsFresh(SchemaDb test, DataConnection db, List<int> expected)
    {
        using var plain = test.OpenPlain();
        Assert.Equal(expected, AuditedItems(plain, cached: false));
        Assert.Equal(expected, AuditedItems(db, cached: true));
    }

    private static string Sql(SchemaDb test, string sqlite, string postgres) => test.IsPostgres ? postgres : sqlite;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void RawInsert_SingleStatement_InvalidatesWhatItsTriggerWrites(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        db.Execute(Sql(test, "INSERT INTO Item (Id, Cat, Name) VALUES (3, 1, 'c')", "INSERT INTO \"Item\" (\"Id\", \"Cat\", \"Name\") VALUES (3, 1, 'c')"));

        AssertAuditsFresh(test, db, [1, 2, 3]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void RawInsert_InABatch_InvalidatesWhatItsTriggerWrites(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        db.Execute(Sql(
            test,
            "UPDATE Other SET Value = 11 WHERE Id = 1; INSERT INTO Item (Id, Cat, Name) VALUES (3, 1, 'c')",
            "UPDATE \"Other\" SET \"Value\" = 11 WHERE \"Id\" = 1; INSERT INTO \"Item\" (\"Id\", \"Cat\", \"Name\") VALUES (3, 1, 'c')"));

        AssertAuditsFresh(test, db, [1, 2, 3]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Batch_CreatesATriggerThenFiresIt_InvalidatesWhatTheNewTriggerWrites(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        // The catalog learns that Other has no trigger (a write of Other alone keeps the Audit entry).
        db.GetTable<SOther>().Where(o => o.Id == 1).Set(o => o.Value, 11).Update();
        var (_, hit) = Probe.Run(test.Cache, () => AuditedItems(db, cached: true));
        Assert.True(hit);

        // Two guards cover this: the CREATE statements are whole-database writes, and a write after a schema change in
        // the same batch is one too (the catalog was read before the batch ran, without the new trigger).
        db.Execute(Sql(
            test,
            "CREATE TRIGGER OtherAudit AFTER INSERT ON Other BEGIN INSERT INTO Audit (ItemId) VALUES (NEW.Id); END; INSERT INTO Other VALUES (7, 70)",
            "CREATE FUNCTION other_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \"Audit\" (\"ItemId\") VALUES (NEW.\"Id\"); RETURN NEW; END $$; " +
            "CREATE TRIGGER other_audit AFTER INSERT ON \"Other\" FOR EACH ROW EXECUTE FUNCTION other_audit(); INSERT INTO \"Other\" VALUES (7, 70)"));

        AssertAuditsFresh(test, db, [1, 2, 7]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void InsideATransaction_CatalogReadUnderASavepoint_TransactionGoesOnAndCommitInvalidates(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        using (var transaction = db.BeginTransaction())
        {
            // The first write of Item reads its facts inside the caller's transaction (PostgreSQL: under a savepoint).
            db.Insert(new SItem { Id = 3, Cat = 1, Name = "c" });
            db.Execute(Sql(test, "INSERT INTO Item (Id, Cat, Name) VALUES (4, 1, 'd')", "INSERT INTO \"Item\" (\"Id\", \"Cat\", \"Name\") VALUES (4, 1, 'd')"));
            db.GetTable<SOther>().Where(o => o.Id == 1).Set(o => o.Value, 12).Update();
            transaction.Commit();
        }

        AssertAuditsFresh(test, db, [1, 2, 3, 4]);
        using var plain = test.OpenPlain();
        Assert.Equal(12, plain.GetTable<SOther>().Single(o => o.Id == 1).Value);
    }

    [Fact]
    public void Batch_FailsAfterAnInsertWhoseTriggerWrote_InvalidatesWhatTheTriggerWrote()
    {
        // SQLite runs a batch statement by statement in autocommit: the first INSERT (and its trigger) stays written.
        using var test = SchemaDb.Create("sqlite", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => AuditedItems(db, cached: true));

        Assert.ThrowsAny<Exception>(() => db.Execute("INSERT INTO Item (Id, Cat, Name) VALUES (3, 1, 'c'); INSERT INTO Item (Id, Cat, Name) VALUES (1, 1, 'dup')"));

        AssertAuditsFresh(test, db, [1, 2, 3]);
    }
}

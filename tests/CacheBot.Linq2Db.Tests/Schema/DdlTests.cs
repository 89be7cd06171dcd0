using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>What the catalog taught is forgotten when DDL runs through a tracked connection, also inside a transaction.</summary>
public sealed class DdlTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE Audit (Id INTEGER PRIMARY KEY AUTOINCREMENT, ItemId INTEGER NOT NULL);
        INSERT INTO Item VALUES (1, 1, 'a');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "Audit" ("Id" SERIAL PRIMARY KEY, "ItemId" INTEGER NOT NULL);
        INSERT INTO "Item" VALUES (1, 1, 'a');
        CREATE FUNCTION item_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO "Audit" ("ItemId") VALUES (NEW."Id"); RETURN NEW; END $$;
        """;

    private const string SqliteTrigger = "CREATE TRIGGER ItemAudit AFTER INSERT ON Item BEGIN INSERT INTO Audit (ItemId) VALUES (NEW.Id); END";

    private const string PostgresTrigger = "CREATE TRIGGER item_audit AFTER INSERT ON \"Item\" FOR EACH ROW EXECUTE FUNCTION item_audit()";

    private static List<int> Audited(DataConnection db) => [.. db.GetTable<SAudit>().AsCacheBot().Cache().Select(a => a.ItemId).ToList().Order()];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void TriggerCreatedThroughTrackedConnection_NextWriteFollowsIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        db.Insert(new SItem { Id = 2, Cat = 1, Name = "b" }); // the catalog learns Item: no trigger
        var before = Probe.Warm(test.Cache, () => Audited(db));

        db.Execute(test.IsPostgres ? PostgresTrigger : SqliteTrigger);
        db.Insert(new SItem { Id = 3, Cat = 1, Name = "c" });

        Assert.Empty(before);
        Assert.Equal([3], Audited(db));
    }

    [Fact]
    public void ViewCreatedInTransaction_OtherConnectionWritesDuringAndAfter_FollowsItAfterCommit()
    {
        using var test = SchemaDb.Create("postgres", SqliteDdl, PostgresDdl);
        using var migrator = test.Open();
        using var app = test.Open();

        migrator.BeginTransaction();
        migrator.Execute("CREATE VIEW \"ItemView\" AS SELECT \"Id\", \"Cat\", \"Name\" FROM \"Item\" WHERE \"Cat\" = 1");
        app.Insert(new SItem { Id = 2, Cat = 1, Name = "b" }); // reads Item's facts while the view is not committed
        migrator.CommitTransaction();
        var before = Probe.Warm(test.Cache, () => ViewRows(app));
        app.Insert(new SItem { Id = 3, Cat = 1, Name = "c" }); // must now invalidate the view

        Assert.Equal([1, 2], before);
        Assert.Equal([1, 2, 3], ViewRows(app));
    }

    private static List<int> ViewRows(DataConnection db) =>
        [.. db.GetTable<SItemRow>().TableName("ItemView").AsCacheBot().Cache().Select(r => r.Id).ToList().Order()];
}

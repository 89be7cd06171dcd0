using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Writes;

/// <summary>
/// An UPDATE whose pre-image the database rejects: PostgreSQL refuses <c>SELECT ... FOR UPDATE</c> on a view with
/// <c>DISTINCT</c>, which an <c>INSTEAD OF</c> trigger still lets a user update. The write must run, without images, whether
/// CacheBot opened the transaction around it (then the rejected pre-image ends that transaction) or the caller did (then
/// a savepoint keeps the caller's transaction usable); and no cached answer may be stale afterwards.
/// </summary>
public sealed class RejectedPreImageTests
{
    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE VIEW "ItemDistinct" AS SELECT DISTINCT "Id", "Cat", "Name" FROM "Item";
        CREATE FUNCTION item_distinct_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "Item" SET "Cat" = NEW."Cat", "Name" = NEW."Name" WHERE "Id" = OLD."Id";
            RETURN NEW;
        END $$;
        CREATE TRIGGER item_distinct_update INSTEAD OF UPDATE ON "ItemDistinct" FOR EACH ROW EXECUTE FUNCTION item_distinct_update();
        INSERT INTO "Item" VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
        """;

    private const string Update = "UPDATE \"ItemDistinct\" SET \"Name\" = 'renamed' WHERE \"Id\" = 2";

    private static List<int> ByName(DataConnection db, string relation, string name, bool cached)
    {
        var rows = db.GetTable<SItemRow>().TableName(relation);
        var query = cached ? rows.AsCacheBot().Cache() : rows;
        return [.. query.Where(r => r.Name == name).Select(r => r.Id).ToList().Order()];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UpdateThroughDistinctView_PreImageRejected_WriteRunsAndNothingIsStale(bool inTransaction)
    {
        using var test = SchemaDb.Create("postgres", sqliteDdl: string.Empty, PostgresDdl);
        using var db = test.Open();
        Assert.Empty(Probe.Warm(test.Cache, () => ByName(db, "ItemDistinct", "renamed", cached: true)));
        Assert.Equal([2], Probe.Warm(test.Cache, () => ByName(db, "Item", "b", cached: true)));

        int affected;
        if (inTransaction)
        {
            using var transaction = db.BeginTransaction();
            affected = db.Execute(Update);

            // The caller's transaction is still usable after the rejected pre-image.
            Assert.Equal("renamed", db.GetTable<SItem>().Where(i => i.Id == 2).Select(i => i.Name).Single());
            transaction.Commit();
        }
        else
        {
            affected = db.Execute(Update);
        }

        using var plain = test.OpenPlain();
        Assert.Equal(1, affected);
        Assert.Equal([2], ByName(plain, "Item", "renamed", cached: false));
        Assert.Equal([2], ByName(db, "ItemDistinct", "renamed", cached: true));
        Assert.Empty(ByName(db, "Item", "b", cached: true));

        // The connection is not left in a transaction: a later write commits on its own.
        db.Execute("UPDATE \"Item\" SET \"Name\" = 'later' WHERE \"Id\" = 3");
        Assert.Equal([3], ByName(plain, "Item", "later", cached: false));
    }
}

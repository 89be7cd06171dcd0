using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying.Semantics;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Writes;

/// <summary>
/// Every form of write linq2db offers and the SQL text users write by hand (upserts, merges, INSERT ... SELECT, updates
/// through joins and expressions, outputs, CTEs, multi-statement batches, truncation): after each, every cached answer
/// over the two tables equals the database's, on SQLite and PostgreSQL: in autocommit, inside a committed transaction,
/// and with a savepoint rolled back after it.
/// </summary>
public sealed class WriteFormTests
{
    private const string SqliteDdl = """
        CREATE TABLE WItem (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL, Qty INTEGER NOT NULL);
        CREATE TABLE WCat (Id INTEGER PRIMARY KEY, Label TEXT NOT NULL);
        INSERT INTO WItem VALUES (1, 1, 'a', 10), (2, 1, 'b', 20), (3, 2, 'c', 30), (4, 3, 'd', 40);
        INSERT INTO WCat VALUES (1, 'one'), (2, 'two'), (3, 'three');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "WItem" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL, "Qty" INTEGER NOT NULL);
        CREATE TABLE "WCat" ("Id" INTEGER PRIMARY KEY, "Label" TEXT NOT NULL);
        INSERT INTO "WItem" VALUES (1, 1, 'a', 10), (2, 1, 'b', 20), (3, 2, 'c', 30), (4, 3, 'd', 40);
        INSERT INTO "WCat" VALUES (1, 'one'), (2, 'two'), (3, 'three');
        """;

    private static IEnumerable<(string Name, Func<(IQueryable<WItem> Items, IQueryable<WCat> Cats), object?> Query)> Queries()
    {
        yield return ("cat 1", r => Ids(r.Items.Where(x => x.Cat == 1)));
        yield return ("cat 2", r => Ids(r.Items.Where(x => x.Cat == 2)));
        yield return ("qty range", r => Ids(r.Items.Where(x => x.Qty > 15 && x.Qty <= 40)));
        yield return ("not cat 3", r => Ids(r.Items.Where(x => x.Cat != 3)));
        yield return ("name by id 1", r => r.Items.Where(x => x.Id == 1).Select(x => x.Name).FirstOrDefault());
        yield return ("get id 5", r => r.Items.Where(x => x.Id == 5).Select(x => x.Name).FirstOrDefault());
        yield return ("count", r => r.Items.Count());
        yield return ("sum qty cat 1", r => r.Items.Where(x => x.Cat == 1).Sum(x => x.Qty));
        yield return ("any qty > 45", r => r.Items.Any(x => x.Qty > 45));
        yield return ("labels of items", r => string.Join(",", r.Items.Join(r.Cats, i => i.Cat, c => c.Id, (i, c) => i.Id + ":" + c.Label).ToList().Order(StringComparer.Ordinal)));
        yield return ("cat labels", r => string.Join(",", r.Cats.Select(c => c.Label).ToList().Order(StringComparer.Ordinal)));
        yield return ("label 2", r => r.Cats.Where(c => c.Id == 2).Select(c => c.Label).FirstOrDefault());
        yield return ("per cat", r => string.Join(",", r.Items.GroupBy(x => x.Cat).Select(g => new { g.Key, N = g.Count() }).ToList().Select(g => g.Key + ":" + g.N).Order(StringComparer.Ordinal)));
    }

    private static string Ids(IQueryable<WItem> q) => string.Join(",", q.Select(x => x.Id).ToList().Order());

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes(bool postgres)
    {
        yield return ("InsertOrReplace new", db => db.InsertOrReplace(new WItem { Id = 5, Cat = 1, Name = "e", Qty = 50 }));
        yield return ("InsertOrReplace existing", db => db.InsertOrReplace(new WItem { Id = 5, Cat = 2, Name = "e2", Qty = 5 }));
        yield return ("InsertOrUpdate", db => db.GetTable<WItem>().InsertOrUpdate(() => new WItem { Id = 1, Cat = 2, Name = "a1", Qty = 11 }, x => new WItem { Cat = 2, Qty = 11 }));
        yield return ("Insert ... Select", db => db.GetTable<WItem>().Where(x => x.Id == 2).Insert(db.GetTable<WItem>(), x => new WItem { Id = 6, Cat = x.Cat, Name = "copy", Qty = x.Qty + 1 }));
        yield return ("Update with expression set", db => db.GetTable<WItem>().Where(x => x.Cat == 1).Set(x => x.Qty, x => x.Qty + 100).Update());
        yield return ("Update lambda", db => db.GetTable<WItem>().Where(x => x.Id == 3).Update(x => new WItem { Cat = 1, Name = x.Name + "!" }));
        yield return ("Update through join", db => (from i in db.GetTable<WItem>() join c in db.GetTable<WCat>() on i.Cat equals c.Id where c.Label == "three" select i).Set(i => i.Cat, 2).Update());
        yield return ("Delete with a subquery", db => db.GetTable<WItem>().Where(x => x.Cat == 2 && x.Id == db.GetTable<WItem>().Where(y => y.Cat == 2).Min(y => y.Id)).Delete());
        yield return ("raw CTE update", db => db.Execute("WITH t AS (SELECT \"Id\" FROM \"WItem\" WHERE \"Qty\" > 100) UPDATE \"WItem\" SET \"Qty\" = 1 WHERE \"Id\" IN (SELECT \"Id\" FROM t)"));
        yield return ("raw batch", db => db.Execute("UPDATE \"WCat\" SET \"Label\" = 'deux' WHERE \"Id\" = 2; INSERT INTO \"WItem\" VALUES (8, 2, 'h', 46)"));
        yield return ("raw upsert", db => db.Execute("INSERT INTO \"WItem\" VALUES (8, 3, 'h2', 1) ON CONFLICT (\"Id\") DO UPDATE SET \"Cat\" = excluded.\"Cat\", \"Qty\" = excluded.\"Qty\""));
        yield return ("raw insert select", db => db.Execute("INSERT INTO \"WItem\" SELECT \"Id\" + 100, \"Cat\", \"Name\", \"Qty\" FROM \"WItem\" WHERE \"Cat\" = 3"));
        yield return ("raw update with comment", db => db.Execute("UPDATE \"WItem\" SET \"Cat\" = 1 /* move */ WHERE \"Id\" = 4 -- done"));
        if (postgres)
        {
            yield return ("Merge", db => db.GetTable<WItem>().Merge().Using([new WItem { Id = 2, Cat = 3, Name = "m", Qty = 2 }, new WItem { Id = 7, Cat = 3, Name = "n", Qty = 7 }])
                .OnTargetKey().UpdateWhenMatched().InsertWhenNotMatched().Merge());
            yield return ("UPDATE ... FROM", db => db.Execute("UPDATE \"WItem\" SET \"Name\" = c.\"Label\" FROM \"WCat\" c WHERE c.\"Id\" = \"WItem\".\"Cat\" AND c.\"Id\" = 1"));
            yield return ("DELETE ... USING", db => db.Execute("DELETE FROM \"WItem\" USING \"WCat\" c WHERE c.\"Id\" = \"WItem\".\"Cat\" AND c.\"Label\" = 'deux'"));
            yield return ("UPDATE RETURNING", db => db.Execute("UPDATE \"WItem\" SET \"Qty\" = \"Qty\" + 1 WHERE \"Cat\" = 3 RETURNING \"Id\""));
        }
        else
        {
            yield return ("REPLACE INTO", db => db.Execute("REPLACE INTO \"WItem\" VALUES (1, 3, 'r', 99)"));
            yield return ("INSERT OR IGNORE", db => db.Execute("INSERT OR IGNORE INTO \"WItem\" VALUES (9, 2, 'i', 9)"));
            yield return ("UPDATE OR REPLACE", db => db.Execute("UPDATE OR REPLACE \"WItem\" SET \"Cat\" = 2 WHERE \"Id\" = 9"));
        }

        yield return ("UpdateWithOutput", db => db.GetTable<WItem>().Where(x => x.Cat == 1).UpdateWithOutput(x => new WItem { Qty = 3 }).ToList());
        yield return ("DeleteWithOutput", db => db.GetTable<WItem>().Where(x => x.Qty == 3).DeleteWithOutput().ToList());
        yield return ("InsertWithOutput", db => db.GetTable<WItem>().InsertWithOutput(new WItem { Id = 10, Cat = 1, Name = "o", Qty = 47 }));
        yield return ("Truncate cats", db => db.GetTable<WCat>().Truncate());
    }

    [Theory]
    [InlineData("sqlite", "autocommit")]
    [InlineData("sqlite", "transaction")]
    [InlineData("sqlite", "rolled back savepoint")]
    [InlineData("postgres", "autocommit")]
    [InlineData("postgres", "transaction")]
    [InlineData("postgres", "rolled back savepoint")]
    public void EveryWriteForm_LeavesEveryAnswerAsTheDatabase(string provider, string scope)
    {
        // Each write alone; inside a transaction committed after it; or inside a transaction, followed by a savepoint, a
        // DELETE of every item and a rollback to the savepoint (so only the write counts).
        PlainComparison.Run(
            provider, SqliteDdl, PostgresDdl, (c, cached) => (PlainComparison.Table<WItem>(c, cached), PlainComparison.Table<WCat>(c, cached)), _ => Queries(),
            postgres => Writes(postgres).Select(w => (w.Name, (Action<DataConnection>)(db => InScope(db, scope, w.Write)))));
    }

    private static void InScope(DataConnection db, string scope, Action<DataConnection> write)
    {
        if (scope == "autocommit")
        {
            write(db);
            return;
        }

        using var transaction = db.BeginTransaction();
        write(db);
        if (scope == "rolled back savepoint")
        {
            db.Execute("SAVEPOINT cb_probe");
            db.Execute("DELETE FROM \"WItem\"");
            db.Execute("ROLLBACK TO SAVEPOINT cb_probe");
        }

        transaction.Commit();
    }
}

[Table("WItem")]
public sealed class WItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Cat { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Column]
    public int Qty { get; set; }
}

[Table("WCat")]
public sealed class WCat
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Label { get; set; } = "";
}

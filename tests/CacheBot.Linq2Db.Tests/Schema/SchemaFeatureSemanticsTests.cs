using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying.Semantics;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// Schema features that change rows the statement does not name: a BEFORE trigger that rewrites another column of the
/// row, generated columns, column defaults, a partitioned table written through its parent and through a partition,
/// table inheritance, an updatable view, a rule, <c>ON DELETE SET NULL</c> and <c>ON UPDATE CASCADE</c>. After each
/// write every cached answer over those tables equals the database's (SQLite where it has the feature, PostgreSQL).
/// </summary>
public sealed class SchemaFeatureSemanticsTests
{
    private const string SqliteDdl = """
        CREATE TABLE SParent (Id INTEGER PRIMARY KEY, Code INTEGER NOT NULL UNIQUE);
        CREATE TABLE SItem (Id INTEGER PRIMARY KEY, Qty INTEGER NOT NULL, Band INTEGER NOT NULL DEFAULT 0,
            Twice INTEGER GENERATED ALWAYS AS (Qty * 2) STORED, Tag TEXT NOT NULL DEFAULT 'new',
            ParentCode INTEGER NULL REFERENCES SParent(Code) ON DELETE SET NULL ON UPDATE CASCADE);
        CREATE TRIGGER SItemBand AFTER UPDATE OF Qty ON SItem BEGIN UPDATE SItem SET Band = NEW.Qty / 10 WHERE Id = NEW.Id; END;
        CREATE VIEW SBig AS SELECT Id, Qty FROM SItem WHERE Qty >= 20;
        CREATE TRIGGER SBigInsert INSTEAD OF INSERT ON SBig BEGIN INSERT INTO SItem (Id, Qty) VALUES (NEW.Id, NEW.Qty); END;
        INSERT INTO SParent VALUES (1, 100), (2, 200);
        INSERT INTO SItem (Id, Qty, Band, ParentCode) VALUES (1, 5, 0, 100), (2, 25, 2, 200), (3, 40, 4, NULL);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "SParent" ("Id" INTEGER PRIMARY KEY, "Code" INTEGER NOT NULL UNIQUE);
        CREATE TABLE "SItem" ("Id" INTEGER PRIMARY KEY, "Qty" INTEGER NOT NULL, "Band" INTEGER NOT NULL DEFAULT 0,
            "Twice" INTEGER GENERATED ALWAYS AS ("Qty" * 2) STORED, "Tag" TEXT NOT NULL DEFAULT 'new',
            "ParentCode" INTEGER NULL REFERENCES "SParent"("Code") ON DELETE SET NULL ON UPDATE CASCADE);
        CREATE FUNCTION s_band() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."Band" := NEW."Qty" / 10; RETURN NEW; END $$;
        CREATE TRIGGER s_band BEFORE UPDATE ON "SItem" FOR EACH ROW EXECUTE FUNCTION s_band();
        CREATE VIEW "SBig" AS SELECT "Id", "Qty" FROM "SItem" WHERE "Qty" >= 20;
        CREATE TABLE "SMeasure" ("Id" INTEGER NOT NULL, "Year" INTEGER NOT NULL, "Value" INTEGER NOT NULL) PARTITION BY RANGE ("Year");
        CREATE TABLE "SMeasure2024" PARTITION OF "SMeasure" FOR VALUES FROM (2024) TO (2025);
        CREATE TABLE "SMeasure2025" PARTITION OF "SMeasure" FOR VALUES FROM (2025) TO (2026);
        CREATE TABLE "SBase" ("Id" INTEGER NOT NULL, "Value" INTEGER NOT NULL);
        CREATE TABLE "SDerived" ("Extra" INTEGER NULL) INHERITS ("SBase");
        CREATE TABLE "SLog" ("Id" INTEGER NOT NULL);
        CREATE RULE s_log AS ON INSERT TO "SLog" DO ALSO UPDATE "SBase" SET "Value" = "Value" + 1 WHERE "Id" = NEW."Id";
        INSERT INTO "SParent" VALUES (1, 100), (2, 200);
        INSERT INTO "SItem" ("Id", "Qty", "Band", "ParentCode") VALUES (1, 5, 0, 100), (2, 25, 2, 200), (3, 40, 4, NULL);
        INSERT INTO "SMeasure" VALUES (1, 2024, 10), (2, 2025, 20);
        INSERT INTO "SBase" VALUES (1, 1);
        INSERT INTO "SDerived" VALUES (2, 2, 0);
        """;

    private static IEnumerable<(string Name, Func<DataConnection, bool, object?> Query)> Queries(bool postgres)
    {
        yield return ("band 0", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.Band == 0).Select(x => x.Id)));
        yield return ("band 3", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.Band == 3).Select(x => x.Id)));
        yield return ("twice 60", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.Twice == 60).Select(x => x.Id)));
        yield return ("tag new", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.Tag == "new").Select(x => x.Id)));
        yield return ("parent 100", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.ParentCode == 100).Select(x => x.Id)));
        yield return ("no parent", (db, c) => Ids(PlainComparison.Table<FeatureItem>(db, c).Where(x => x.ParentCode == null).Select(x => x.Id)));
        yield return ("item 1", (db, c) => PlainComparison.Table<FeatureItem>(db, c).Where(x => x.Id == 1).Select(x => x.Qty + ":" + x.Band + ":" + x.Twice + ":" + x.Tag + ":" + x.ParentCode).FirstOrDefault());
        yield return ("big view", (db, c) => Ids(PlainComparison.Table<SBig>(db, c).Select(x => x.Id)));
        yield return ("big view count", (db, c) => PlainComparison.Table<SBig>(db, c).Count(x => x.Qty > 30));
        if (postgres)
        {
            yield return ("measures", (db, c) => string.Join(",", PlainComparison.Table<SMeasure>(db, c).Select(x => x.Id + ":" + x.Value).ToList().Order(StringComparer.Ordinal)));
            yield return ("measures 2025", (db, c) => PlainComparison.Table<SMeasure>(db, c).Where(x => x.Year == 2025).Sum(x => x.Value));
            yield return ("partition 2024", (db, c) => string.Join(",", PlainComparison.Table<SMeasure2024>(db, c).Select(x => x.Id + ":" + x.Value).ToList().Order(StringComparer.Ordinal)));
            yield return ("base", (db, c) => string.Join(",", PlainComparison.Table<SBase>(db, c).Select(x => x.Id + ":" + x.Value).ToList().Order(StringComparer.Ordinal)));
            yield return ("base value 2", (db, c) => Ids(PlainComparison.Table<SBase>(db, c).Where(x => x.Value == 2).Select(x => x.Id)));
        }
    }

    private static string Ids(IQueryable<int> ids) => string.Join(",", ids.ToList().Order());

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes(bool postgres)
    {
        yield return ("qty 1 to 30 (trigger sets band)", db => db.GetTable<FeatureItem>().Where(x => x.Id == 1).Set(x => x.Qty, 30).Update());
        yield return ("insert with defaults", db => db.Execute("INSERT INTO \"SItem\" (\"Id\", \"Qty\") VALUES (4, 1)"));
        yield return ("insert through the view", db => db.Execute("INSERT INTO \"SBig\" (\"Id\", \"Qty\") VALUES (5, 50)"));
        yield return ("raw qty", db => db.Execute("UPDATE \"SItem\" SET \"Qty\" = 35 WHERE \"Id\" = 2"));
        yield return ("parent code 100 to 101 (cascade)", db => db.Execute("UPDATE \"SParent\" SET \"Code\" = 101 WHERE \"Id\" = 1"));
        yield return ("delete parent 2 (set null)", db => db.GetTable<SParent>().Where(x => x.Id == 2).Delete());
        yield return ("entity update tag", db => { var r = db.GetTable<FeatureItem>().Single(x => x.Id == 3); r.Tag = "old"; db.Update(r); });
        if (postgres)
        {
            yield return ("update through the view", db => db.Execute("UPDATE \"SBig\" SET \"Qty\" = 10 WHERE \"Id\" = 3"));
            yield return ("insert into parent table", db => db.Execute("INSERT INTO \"SMeasure\" VALUES (3, 2024, 30)"));
            yield return ("update a partition", db => db.Execute("UPDATE \"SMeasure2025\" SET \"Value\" = 21"));
            yield return ("move across partitions", db => db.GetTable<SMeasure>().Where(x => x.Id == 1).Set(x => x.Year, 2025).Update());
            yield return ("insert into the derived table", db => db.Execute("INSERT INTO \"SDerived\" VALUES (3, 2, 1)"));
            yield return ("update the derived table", db => db.Execute("UPDATE \"SDerived\" SET \"Value\" = 5 WHERE \"Id\" = 2"));
            yield return ("insert firing a rule", db => db.Execute("INSERT INTO \"SLog\" VALUES (1)"));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryFeature_AnswersAsTheDatabase_AfterWritesItChanges(string provider)
    {
        PlainComparison.Run(provider, SqliteDdl, PostgresDdl, (c, cached) => (Db: c, Cached: cached), postgres => Queries(postgres).Select(q => (q.Name, (Func<(DataConnection Db, bool Cached), object?>)(r => q.Query(r.Db, r.Cached)))), Writes);
    }
}

[Table("SParent")]
public sealed class SParent
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Code { get; set; }
}

[Table("SItem")]
public sealed class FeatureItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Qty { get; set; }

    [Column]
    public int Band { get; set; }

    [Column(SkipOnInsert = true, SkipOnUpdate = true)]
    public int Twice { get; set; }

    [Column, NotNull]
    public string Tag { get; set; } = "";

    [Column]
    public int? ParentCode { get; set; }
}

[Table("SBig")]
public sealed class SBig
{
    [Column]
    public int Id { get; set; }

    [Column]
    public int Qty { get; set; }
}

[Table("SMeasure")]
public sealed class SMeasure
{
    [Column]
    public int Id { get; set; }

    [Column]
    public int Year { get; set; }

    [Column]
    public int Value { get; set; }
}

[Table("SMeasure2024")]
public sealed class SMeasure2024
{
    [Column]
    public int Id { get; set; }

    [Column]
    public int Value { get; set; }
}

[Table("SBase")]
public sealed class SBase
{
    [Column]
    public int Id { get; set; }

    [Column]
    public int Value { get; set; }
}

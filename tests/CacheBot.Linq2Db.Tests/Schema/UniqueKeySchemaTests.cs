using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// A get by a key the database keeps unique keeps only its found row's own writes (rows arriving cannot duplicate the
/// key). The key must be one the database enforces over every row the relation reads: not a view's (a union may
/// repeat it), not an inheritance parent's (its key does not span its children), not a key dropped by DDL since. In each
/// case a row arriving unseen (PostgreSQL binary COPY) or seen makes a second match, and <c>SingleOrDefault</c> must
/// throw as plain linq2db does instead of returning the cached single row.
/// </summary>
public sealed class UniqueKeySchemaTests
{
    private const string SqliteUnionDdl = """
        CREATE TABLE A (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE B (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE VIEW AB AS SELECT Id, Cat, Name FROM A UNION ALL SELECT Id, Cat, Name FROM B;
        INSERT INTO A VALUES (1, 1, 'a1'), (2, 1, 'a2');
        INSERT INTO B VALUES (10, 1, 'b10');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "A" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "B" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE VIEW "AB" AS SELECT "Id", "Cat", "Name" FROM "A" UNION ALL SELECT "Id", "Cat", "Name" FROM "B";
        INSERT INTO "A" VALUES (1, 1, 'a1'), (2, 1, 'a2');
        INSERT INTO "B" VALUES (10, 1, 'b10');
        CREATE TABLE "Parent" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "Child" () INHERITS ("Parent");
        INSERT INTO "Parent" VALUES (1, 1, 'p1');
        CREATE TABLE "Keyed" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        INSERT INTO "Keyed" VALUES (1, 1, 'k1');
        """;

    /// <summary>The get, on an entity mapped to the relation (a <c>TableName</c> override would not be a plain table root).</summary>
    private static string? Single(DataConnection db, string relation, int id) => relation switch
    {
        "AB" => db.GetTable<UnionRow>().AsCacheBot().Where(r => r.Id == id).SingleOrDefault()?.Name,
        "Parent" => db.GetTable<ParentRow>().AsCacheBot().Where(r => r.Id == id).SingleOrDefault()?.Name,
        _ => db.GetTable<KeyedRow>().AsCacheBot().Where(r => r.Id == id).SingleOrDefault()?.Name,
    };

    private static void Arrive(DataConnection db, string table, int id, bool unseen) =>
        db.BulkCopy(
            new BulkCopyOptions { TableName = table, BulkCopyType = unseen ? BulkCopyType.ProviderSpecific : BulkCopyType.MultipleRows },
            [new SItem { Id = id, Cat = 1, Name = table + id }]);

    /// <summary>Caches the found row (a second read is a hit), lets a duplicate of its key arrive, and expects the second match to show.</summary>
    private static void AssertDuplicateSeen(SchemaDb test, DataConnection db, string relation, string arrivalTable, bool unseen)
    {
        var found = Probe.Warm(test.Cache, () => Single(db, relation, 1));
        Assert.NotNull(found);

        Arrive(db, arrivalTable, 1, unseen);

        using var plain = test.OpenPlain();
        Assert.Equal(2, plain.GetTable<SItem>().TableName(relation).Count(r => r.Id == 1));
        Assert.Throws<InvalidOperationException>(() => plain.GetTable<SItem>().TableName(relation).Where(r => r.Id == 1).SingleOrDefault());
        Assert.Throws<InvalidOperationException>(() => Single(db, relation, 1));
    }

    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public void ViewOverAUnion_KeyOfABaseTable_IsNotTheViewsKey(string provider, bool unseen)
    {
        using var test = SchemaDb.Create(provider, SqliteUnionDdl, PostgresDdl);
        using var db = test.Open();
        AssertDuplicateSeen(test, db, "AB", "B", unseen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InheritanceParent_ItsKeyDoesNotSpanItsChildren(bool unseen)
    {
        using var test = SchemaDb.Create("postgres", SqliteUnionDdl, PostgresDdl);
        using var db = test.Open();
        AssertDuplicateSeen(test, db, "Parent", "Child", unseen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChildCreatedAfterTheGetWasCached_ByDdlOnATrackedConnection(bool unseen)
    {
        using var test = SchemaDb.Create("postgres", SqliteUnionDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal("k1", Probe.Warm(test.Cache, () => Single(db, "Keyed", 1)));

        db.Execute("CREATE TABLE \"KeyedChild\" () INHERITS (\"Keyed\")");

        AssertDuplicateSeen(test, db, "Keyed", "KeyedChild", unseen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PrimaryKeyDroppedByDdlOnATrackedConnection_NoLongerNarrows(bool unseen)
    {
        using var test = SchemaDb.Create("postgres", SqliteUnionDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal("k1", Probe.Warm(test.Cache, () => Single(db, "Keyed", 1)));

        db.Execute("ALTER TABLE \"Keyed\" DROP CONSTRAINT \"Keyed_pkey\"");

        AssertDuplicateSeen(test, db, "Keyed", "Keyed", unseen);
    }
}

[LinqToDB.Mapping.Table("AB")]
public sealed class UnionRow
{
    [LinqToDB.Mapping.PrimaryKey]
    public int Id { get; set; }

    [LinqToDB.Mapping.Column]
    public string Name { get; set; } = string.Empty;
}

[LinqToDB.Mapping.Table("Parent")]
public sealed class ParentRow
{
    [LinqToDB.Mapping.PrimaryKey]
    public int Id { get; set; }

    [LinqToDB.Mapping.Column]
    public string Name { get; set; } = string.Empty;
}

[LinqToDB.Mapping.Table("Keyed")]
public sealed class KeyedRow
{
    [LinqToDB.Mapping.PrimaryKey]
    public int Id { get; set; }

    [LinqToDB.Mapping.Column]
    public string Name { get; set; } = string.Empty;
}

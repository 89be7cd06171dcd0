using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// Foreign-key actions, precisely: a parent update that changes no referenced key changes no child; a key change or a
/// delete changes only the children of that key (CASCADE, SET NULL, SET DEFAULT), and cascades of cascades follow.
/// Row images of the parent are read when a cached query uses a column of the parent (a parent query is warmed first).
/// </summary>
public sealed class CascadeTests
{
    private const string SqliteDdl = """
        CREATE TABLE Parent (Id INTEGER PRIMARY KEY, Code TEXT NOT NULL UNIQUE, Name TEXT NOT NULL);
        CREATE TABLE Child (Id INTEGER PRIMARY KEY, ParentId INTEGER NOT NULL REFERENCES Parent (Id) ON DELETE CASCADE,
            ParentCode TEXT REFERENCES Parent (Code) ON UPDATE CASCADE, Label TEXT NOT NULL);
        CREATE TABLE NullChild (Id INTEGER PRIMARY KEY, ParentId INTEGER REFERENCES Parent (Id) ON DELETE SET NULL);
        CREATE TABLE DefaultChild (Id INTEGER PRIMARY KEY, ParentId INTEGER NOT NULL DEFAULT 0 REFERENCES Parent (Id) ON DELETE SET DEFAULT);
        CREATE TABLE GrandChild (Id INTEGER PRIMARY KEY, ChildId INTEGER NOT NULL REFERENCES Child (Id) ON DELETE CASCADE);
        INSERT INTO Parent VALUES (0, 'zero', 'z'), (1, 'a', 'one'), (2, 'b', 'two');
        INSERT INTO Child VALUES (10, 1, 'a', 'x'), (11, 1, 'a', 'y'), (20, 2, 'b', 'z');
        INSERT INTO NullChild VALUES (10, 1), (20, 2);
        INSERT INTO DefaultChild VALUES (10, 1), (20, 2);
        INSERT INTO GrandChild VALUES (100, 10), (200, 20);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Parent" ("Id" INTEGER PRIMARY KEY, "Code" TEXT NOT NULL UNIQUE, "Name" TEXT NOT NULL);
        CREATE TABLE "Child" ("Id" INTEGER PRIMARY KEY, "ParentId" INTEGER NOT NULL REFERENCES "Parent" ("Id") ON DELETE CASCADE,
            "ParentCode" TEXT REFERENCES "Parent" ("Code") ON UPDATE CASCADE, "Label" TEXT NOT NULL);
        CREATE TABLE "NullChild" ("Id" INTEGER PRIMARY KEY, "ParentId" INTEGER REFERENCES "Parent" ("Id") ON DELETE SET NULL);
        CREATE TABLE "DefaultChild" ("Id" INTEGER PRIMARY KEY, "ParentId" INTEGER NOT NULL DEFAULT 0 REFERENCES "Parent" ("Id") ON DELETE SET DEFAULT);
        CREATE TABLE "GrandChild" ("Id" INTEGER PRIMARY KEY, "ChildId" INTEGER NOT NULL REFERENCES "Child" ("Id") ON DELETE CASCADE);
        INSERT INTO "Parent" VALUES (0, 'zero', 'z'), (1, 'a', 'one'), (2, 'b', 'two');
        INSERT INTO "Child" VALUES (10, 1, 'a', 'x'), (11, 1, 'a', 'y'), (20, 2, 'b', 'z');
        INSERT INTO "NullChild" VALUES (10, 1), (20, 2);
        INSERT INTO "DefaultChild" VALUES (10, 1), (20, 2);
        INSERT INTO "GrandChild" VALUES (100, 10), (200, 20);
        """;

    [Table("Parent")]
    public sealed class Parent
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public string Code { get; set; } = string.Empty;

        [Column]
        public string Name { get; set; } = string.Empty;
    }

    [Table("Child")]
    public sealed class Child
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public int ParentId { get; set; }

        [Column]
        public string? ParentCode { get; set; }

        [Column]
        public string Label { get; set; } = string.Empty;
    }

    /// <summary>Maps NullChild and DefaultChild.</summary>
    public sealed class Link
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public int? ParentId { get; set; }
    }

    [Table("GrandChild")]
    public sealed class GrandChild
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public int ChildId { get; set; }
    }

    private static List<int> ChildrenOf(DataConnection db, int parentId) =>
        [.. db.GetTable<Child>().AsCacheBot().Cache().Where(c => c.ParentId == parentId).Select(c => c.Id).ToList().Order()];

    private static List<int> ChildrenByCode(DataConnection db, string code) =>
        [.. db.GetTable<Child>().AsCacheBot().Cache().Where(c => c.ParentCode == code).Select(c => c.Id).ToList().Order()];

    private static List<int> Links(DataConnection db, string table, int? parentId) =>
        [.. db.GetTable<Link>().TableName(table).AsCacheBot().Cache().Where(l => l.ParentId == parentId).Select(l => l.Id).ToList().Order()];

    /// <summary>A cached query on a parent column: the parent's writes then read row images.</summary>
    private static void WarmParent(SchemaDb test, DataConnection db) =>
        Probe.Warm(test.Cache, () => db.GetTable<Parent>().AsCacheBot().Cache().Where(p => p.Id == 2).Select(p => p.Name).ToList());

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ParentUpdate_NoReferencedKeyAssigned_KeepsChildEntries(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var byId = Probe.Warm(test.Cache, () => ChildrenOf(db, 1));
        var byCode = Probe.Warm(test.Cache, () => ChildrenByCode(db, "a"));

        db.GetTable<Parent>().Where(p => p.Id == 1).Set(p => p.Name, "uno").Update();

        var (idAfter, idHit) = Probe.Run(test.Cache, () => ChildrenOf(db, 1));
        var (codeAfter, codeHit) = Probe.Run(test.Cache, () => ChildrenByCode(db, "a"));
        Assert.True(idHit);
        Assert.True(codeHit);
        Assert.Equal(byId, idAfter);
        Assert.Equal(byCode, codeAfter);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ParentEntityUpdate_ReferencedKeyRewrittenUnchanged_KeepsChildEntries(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        WarmParent(test, db);
        var byCode = Probe.Warm(test.Cache, () => ChildrenByCode(db, "a"));

        // An entity update assigns every column, Code included, with its current value.
        var parent = db.GetTable<Parent>().Single(p => p.Id == 1);
        parent.Name = "uno";
        db.Update(parent);

        var (after, hit) = Probe.Run(test.Cache, () => ChildrenByCode(db, "a"));
        Assert.True(hit);
        Assert.Equal(byCode, after);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ParentKeyChange_InvalidatesOnlyChildrenOfOldAndNewKey(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        WarmParent(test, db);
        var oldKey = Probe.Warm(test.Cache, () => ChildrenByCode(db, "a"));
        var newKey = Probe.Warm(test.Cache, () => ChildrenByCode(db, "q"));
        var other = Probe.Warm(test.Cache, () => ChildrenByCode(db, "b"));

        db.GetTable<Parent>().Where(p => p.Id == 1).Set(p => p.Code, "q").Update(); // ON UPDATE CASCADE moves children 10, 11

        var (otherAfter, otherHit) = Probe.Run(test.Cache, () => ChildrenByCode(db, "b"));
        Assert.Equal([10, 11], oldKey);
        Assert.Empty(newKey);
        Assert.Empty(ChildrenByCode(db, "a"));
        Assert.Equal([10, 11], ChildrenByCode(db, "q"));
        Assert.True(otherHit);
        Assert.Equal(other, otherAfter);
    }

    /// <summary>How the parent's deleted rows become known to the write.</summary>
    public enum ParentImages
    {
        /// <summary>A cached query uses a parent column: the DELETE reads its rows.</summary>
        ParentQueryCached,

        /// <summary>An earlier write taught the catalog the parent's children, whose cached queries ask for the rows.</summary>
        CatalogKnowsChildren,

        /// <summary>Nothing asks for the rows: every child table is invalidated (sound, coarse).</summary>
        None,
    }

    [Theory]
    [InlineData("sqlite", ParentImages.ParentQueryCached)]
    [InlineData("sqlite", ParentImages.CatalogKnowsChildren)]
    [InlineData("sqlite", ParentImages.None)]
    [InlineData("postgres", ParentImages.ParentQueryCached)]
    [InlineData("postgres", ParentImages.CatalogKnowsChildren)]
    [InlineData("postgres", ParentImages.None)]
    public void ParentDelete_Cascade_InvalidatesChildrenOfThatKeyAndGrandchildren(string provider, ParentImages images)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        if (images == ParentImages.ParentQueryCached)
        {
            WarmParent(test, db);
        }
        else if (images == ParentImages.CatalogKnowsChildren)
        {
            db.GetTable<Parent>().Where(p => p.Id == 0).Set(p => p.Name, "zero").Update();
        }

        var deleted = Probe.Warm(test.Cache, () => ChildrenOf(db, 1));
        var kept = Probe.Warm(test.Cache, () => ChildrenOf(db, 2));
        var grand = Probe.Warm(test.Cache, () => db.GetTable<GrandChild>().AsCacheBot().Cache().Where(g => g.ChildId == 10).Select(g => g.Id).ToList());

        db.GetTable<Parent>().Where(p => p.Id == 1).Delete();

        var (keptAfter, keptHit) = Probe.Run(test.Cache, () => ChildrenOf(db, 2));
        Assert.Equal([10, 11], deleted);
        Assert.Equal([100], grand);
        Assert.Empty(ChildrenOf(db, 1));
        Assert.Empty(db.GetTable<GrandChild>().AsCacheBot().Cache().Where(g => g.ChildId == 10).Select(g => g.Id).ToList());
        Assert.Equal(kept, keptAfter);
        Assert.Equal(images != ParentImages.None, keptHit); // without the parent's deleted rows every child is invalidated
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ParentDelete_SetNull_InvalidatesNullAndOldKeyOnly(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        WarmParent(test, db);
        var nulls = Probe.Warm(test.Cache, () => Links(db, "NullChild", null));
        var one = Probe.Warm(test.Cache, () => Links(db, "NullChild", 1));
        var two = Probe.Warm(test.Cache, () => Links(db, "NullChild", 2));

        db.GetTable<Parent>().Where(p => p.Id == 1).Delete();

        var (twoAfter, twoHit) = Probe.Run(test.Cache, () => Links(db, "NullChild", 2));
        Assert.Empty(nulls);
        Assert.Equal([10], one);
        Assert.Equal([10], Links(db, "NullChild", null));
        Assert.Empty(Links(db, "NullChild", 1));
        Assert.True(twoHit);
        Assert.Equal(two, twoAfter);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ParentDelete_SetDefault_InvalidatesDefaultAndOldKeyOnly(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        WarmParent(test, db);
        var defaults = Probe.Warm(test.Cache, () => Links(db, "DefaultChild", 0));
        var one = Probe.Warm(test.Cache, () => Links(db, "DefaultChild", 1));
        var two = Probe.Warm(test.Cache, () => Links(db, "DefaultChild", 2));

        db.GetTable<Parent>().Where(p => p.Id == 1).Delete();

        var (twoAfter, twoHit) = Probe.Run(test.Cache, () => Links(db, "DefaultChild", 2));
        Assert.Empty(defaults);
        Assert.Equal([10], one);
        Assert.Equal([10], Links(db, "DefaultChild", 0));
        Assert.Empty(Links(db, "DefaultChild", 1));
        Assert.True(twoHit);
        Assert.Equal(two, twoAfter);
    }
}

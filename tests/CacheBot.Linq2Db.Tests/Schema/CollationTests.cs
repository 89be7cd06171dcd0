using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// Text equality as the database judges it: SQLite <c>NOCASE</c> (ASCII case folding) and <c>RTRIM</c>, PostgreSQL
/// <c>citext</c>, nondeterministic ICU collations and <c>character(n)</c> padding. A write of a value the database finds
/// equal to a cached query's value must invalidate it; a value it finds different need not, where the column can narrow.
/// </summary>
public sealed class CollationTests
{
    private const string SqliteDdl = """
        CREATE TABLE Person (Id INTEGER PRIMARY KEY, Grp INTEGER NOT NULL, Name TEXT COLLATE NOCASE NOT NULL,
            Tag TEXT COLLATE RTRIM NOT NULL, Code CHAR(5) NOT NULL, Plain TEXT NOT NULL);
        INSERT INTO Person VALUES (1, 1, 'alice', 'x', 'aa', 'p');
        """;

    private const string PostgresDdl = """
        CREATE EXTENSION IF NOT EXISTS citext SCHEMA public;
        CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        CREATE TABLE "Person" ("Id" INTEGER PRIMARY KEY, "Grp" INTEGER NOT NULL, "Name" public.citext NOT NULL,
            "Tag" TEXT COLLATE ci NOT NULL, "Code" CHAR(5) NOT NULL, "Plain" TEXT COLLATE "C" NOT NULL);
        INSERT INTO "Person" VALUES (1, 1, 'alice', 'x', 'aa', 'p');
        """;

    [Table("Person")]
    public sealed class Person
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public int Grp { get; set; }

        [Column]
        public string Name { get; set; } = string.Empty;

        [Column]
        public string Tag { get; set; } = string.Empty;

        /// <summary>Declared <c>CHAR(5)</c> in the database, mapped as a plain string (no <c>DataType.Char</c>).</summary>
        [Column]
        public string Code { get; set; } = string.Empty;

        [Column]
        public string Plain { get; set; } = string.Empty;
    }

    private static List<int> Ids(IQueryable<Person> people) => [.. people.Select(p => p.Id).ToList().Order()];

    private static void AssertFresh(SchemaDb test, DataConnection db, Func<IQueryable<Person>, IQueryable<Person>> filter)
    {
        using var plain = test.OpenPlain();
        Assert.Equal(Ids(filter(plain.GetTable<Person>())), Ids(filter(db.GetTable<Person>().AsCacheBot().Cache())));
    }

    [Theory]
    [InlineData("sqlite")] // NOCASE
    [InlineData("postgres")] // citext
    public void CaseInsensitiveColumn_InsertOtherCase_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Name == "David")));

        db.Insert(new Person { Id = 2, Grp = 1, Name = "david", Tag = "y", Code = "bb", Plain = "q" });

        Assert.Empty(before);
        AssertFresh(test, db, q => q.Where(p => p.Name == "David"));
        Assert.Equal([2], Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Name == "David")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void CaseInsensitiveColumn_WriteOfDifferentValue_KeepsEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        // NOCASE folds ASCII exactly, so the name narrows on SQLite; citext cannot be folded exactly, so there the group narrows.
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Name == "David" && p.Grp == 1)));

        db.Insert(new Person { Id = 2, Grp = 2, Name = "zed", Tag = "y", Code = "bb", Plain = "q" });

        var (after, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Name == "David" && p.Grp == 1)));
        Assert.True(hit);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("sqlite")] // RTRIM
    [InlineData("postgres")] // nondeterministic ICU, case-insensitive
    public void TrailingSpaceOrIcuColumn_EqualValueWritten_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var probe = provider == "sqlite" ? "tag" : "TAG";
        var stored = provider == "sqlite" ? "tag   " : "tag";
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Tag == probe)));

        db.GetTable<Person>().Where(p => p.Id == 1).Set(p => p.Tag, stored).Update();

        Assert.Empty(before);
        AssertFresh(test, db, q => q.Where(p => p.Tag == probe));
        Assert.Equal([1], Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Tag == probe)));
    }

    [Fact]
    public void SqliteRtrim_WriteOfDifferentValue_KeepsEntry()
    {
        using var test = SchemaDb.Create("sqlite", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Tag == "tag")));

        db.Insert(new Person { Id = 2, Grp = 1, Name = "bob", Tag = " tag", Code = "bb", Plain = "q" }); // leading spaces count

        var (after, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Tag == "tag")));
        Assert.True(hit);
        Assert.Equal(before, after);
        AssertFresh(test, db, q => q.Where(p => p.Tag == "tag"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void CharColumn_MappedAsPlainString_PaddedValueWritten_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Code == "bb")));

        db.Insert(new Person { Id = 2, Grp = 1, Name = "bob", Tag = "y", Code = "bb", Plain = "q" });

        Assert.Empty(before);
        AssertFresh(test, db, q => q.Where(p => p.Code == "bb"));
        Assert.Equal([2], Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Code == "bb")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void CharColumn_MappedAsPlainString_OtherValueWritten_KeepsEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Code == "aa" && p.Grp >= 0)));

        db.Insert(new Person { Id = 2, Grp = 1, Name = "bob", Tag = "y", Code = "cc", Plain = "q" });
        db.GetTable<Person>().Where(p => p.Id == 1).Set(p => p.Grp, 7).Update(); // the cached row itself, Code unchanged, Grp (read, not narrowing) changed

        var (after, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Code == "aa" && p.Grp >= 0)));
        Assert.False(hit); // row 1 (Code 'aa', read back padded) was written: its key must match the query's
        Assert.Equal(before, after);
        db.Insert(new Person { Id = 3, Grp = 1, Name = "cy", Tag = "z", Code = "dd", Plain = "r" });
        var (third, hitAfterOtherInsert) = Probe.Run(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Code == "aa" && p.Grp >= 0)));
        Assert.True(hitAfterOtherInsert);
        Assert.Equal(before, third);
    }

    [Fact]
    public void PostgresDeterministicCollation_OtherCaseWritten_KeepsEntry()
    {
        using var test = SchemaDb.Create("postgres", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Plain == "Q")));

        db.Insert(new Person { Id = 2, Grp = 1, Name = "bob", Tag = "y", Code = "bb", Plain = "q" }); // "C" is case-sensitive

        var (after, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Person>().AsCacheBot().Cache().Where(p => p.Plain == "Q")));
        Assert.True(hit);
        Assert.Equal(before, after);
        AssertFresh(test, db, q => q.Where(p => p.Plain == "Q"));
    }
}

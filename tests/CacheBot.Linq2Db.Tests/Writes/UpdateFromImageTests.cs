using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Writes;

[Table("Label")]
public sealed class SLabel
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Owner { get; set; }

    [Column]
    public string Name { get; set; } = string.Empty;
}

/// <summary>
/// <c>UPDATE t SET ... FROM list WHERE ...</c> (what linq2db sends for <c>Take(n).Set(...).Update()</c> and joined updates):
/// its pre-image joins the same list, so only the rows it changes invalidate, not the whole table. Each case checks the
/// cached answers against the database's for the row that changed and for one that did not.
/// </summary>
public sealed class UpdateFromImageTests
{
    private const string SqliteDdl = """
        CREATE TABLE Label (Id INTEGER PRIMARY KEY, Owner INTEGER NOT NULL, Name TEXT NOT NULL);
        CREATE TABLE Rename (Owner INTEGER PRIMARY KEY, NewName TEXT NOT NULL);
        INSERT INTO Label VALUES (1, 5, 'a'), (2, 6, 'b'), (3, 10, 'c');
        INSERT INTO Rename VALUES (5, 'five');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Label" ("Id" INTEGER PRIMARY KEY, "Owner" INTEGER NOT NULL, "Name" TEXT NOT NULL);
        CREATE TABLE "Rename" ("Owner" INTEGER PRIMARY KEY, "NewName" TEXT NOT NULL);
        INSERT INTO "Label" VALUES (1, 5, 'a'), (2, 6, 'b'), (3, 10, 'c');
        INSERT INTO "Rename" VALUES (5, 'five');
        """;

    private static string NamesOf(DataConnection db, bool cached, int owner) =>
        string.Join(",", (cached ? db.GetTable<SLabel>().AsCacheBot().Cache() : db.GetTable<SLabel>()).Where(l => l.Owner == owner).OrderBy(l => l.Id).Select(l => l.Name));

    private static (bool HitOn5, bool HitOn6) Check(SchemaDb test, DataConnection db, Action write)
    {
        Probe.Warm(test.Cache, () => NamesOf(db, true, 5));
        Probe.Warm(test.Cache, () => NamesOf(db, true, 6));
        write();
        using var plain = test.OpenPlain();
        var (five, hit5) = Probe.Run(test.Cache, () => NamesOf(db, true, 5));
        var (six, hit6) = Probe.Run(test.Cache, () => NamesOf(db, true, 6));
        Assert.Equal(NamesOf(plain, false, 5), five);
        Assert.Equal(NamesOf(plain, false, 6), six);
        return (hit5, hit6);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void TakeThenUpdate_InvalidatesOnlyTheUpdatedRowsKeys(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var pick = 0;
        var (hit5, hit6) = Check(test, db, () => db.GetTable<SLabel>().Where(l => l.Owner % 5 == pick).OrderBy(l => l.Id).Take(1).Set(l => l.Name, "zz").Update());
        Assert.Contains("FROM", db.LastQuery!, StringComparison.OrdinalIgnoreCase);
        Assert.False(hit5); // label 1 (owner 5) renamed
        Assert.True(hit6);
        Assert.Equal("zz", NamesOf(db, true, 5));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void RawUpdateFromAnotherTable_InvalidatesOnlyTheJoinedRows(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var q = provider == "sqlite" ? string.Empty : "\"";
        string N(string name) => q + name + q;
        var sql = $"UPDATE {N("Label")} AS l SET {N("Name")} = r.{N("NewName")} FROM {N("Rename")} r WHERE l.{N("Owner")} = r.{N("Owner")}";
        var (hit5, hit6) = Check(test, db, () => Assert.Equal(1, db.Execute(sql)));
        Assert.False(hit5);
        Assert.True(hit6);
        Assert.Equal("five", NamesOf(db, true, 5));
    }
}

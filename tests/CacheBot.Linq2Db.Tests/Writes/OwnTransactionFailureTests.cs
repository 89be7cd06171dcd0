using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using CacheBot.Linq2Db.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Writes;

/// <summary>
/// An imaged UPDATE outside a transaction runs in CacheBot's own transaction (on PostgreSQL sent with the pre-image and the
/// write: <c>BEGIN; SELECT ... FOR UPDATE</c>, then <c>UPDATE ... RETURNING *; COMMIT</c>). Whatever fails, the caller
/// sees plain linq2db's exception, the connection is left outside any transaction, and no cached answer is stale: a write
/// the server refused (the UPDATE, or the COMMIT) changed nothing, and a fault in CacheBot's own reading after the write ran
/// must count as a write, since the COMMIT then still runs.
/// </summary>
public sealed class OwnTransactionFailureTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Cat INTEGER NOT NULL, Name TEXT NOT NULL UNIQUE);
        INSERT INTO Item VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Cat" INTEGER NOT NULL, "Name" TEXT NOT NULL UNIQUE);
        INSERT INTO "Item" VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
        CREATE TABLE "Cat" ("Id" INTEGER PRIMARY KEY);
        INSERT INTO "Cat" VALUES (1), (2);
        CREATE TABLE "Child" ("Id" INTEGER PRIMARY KEY, "CatId" INTEGER NOT NULL REFERENCES "Cat" ("Id") DEFERRABLE INITIALLY DEFERRED, "Name" TEXT NOT NULL);
        INSERT INTO "Child" VALUES (1, 1, 'x'), (2, 2, 'y');
        """;

    private static List<int> IdsOfCat(DataConnection db, string table, int cat, bool cached)
    {
        var rows = db.GetTable<SItemRow>().TableName(table);
        var query = cached ? rows.AsCacheBot().Cache() : rows;
        return [.. query.Where(r => r.Cat == cat).Select(r => r.Id).ToList().Order()];
    }

    private static List<int> ChildIdsOfCat(DataConnection db, int cat, bool cached)
    {
        var rows = db.GetTable<SChildRow>();
        var query = cached ? rows.AsCacheBot().Cache() : rows;
        return [.. query.Where(r => r.CatId == cat).Select(r => r.Id).ToList().Order()];
    }

    /// <summary>A later write on the same connection commits on its own: the failed one left no transaction open.</summary>
    private static void AssertOutsideTransaction(SchemaDb test, DataConnection db)
    {
        db.GetTable<SItem>().Where(i => i.Id == 3).Set(i => i.Cat, 3).Update();
        using var plain = test.OpenPlain();
        Assert.Equal([3], IdsOfCat(plain, "Item", 3, cached: false));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void UpdateRefusedByTheServer_NothingWritten_EntriesKept_ConnectionOutsideTransaction(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal([1, 2], Probe.Warm(test.Cache, () => IdsOfCat(db, "Item", 1, cached: true)));
        using var plainDb = test.OpenPlain();
        var plainError = Record.Exception(() => plainDb.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Cat, 2).Set(i => i.Name, "a").Update());

        var error = Record.Exception(() => db.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Cat, 2).Set(i => i.Name, "a").Update());

        Assert.NotNull(plainError);
        Assert.IsType(plainError.GetType(), error);
        var (_, hit) = Probe.Run(test.Cache, () => IdsOfCat(db, "Item", 1, cached: true));
        Assert.True(hit, "a write the server refused changed nothing: the entry should still be served");
        Assert.Equal(IdsOfCat(plainDb, "Item", 1, cached: false), IdsOfCat(db, "Item", 1, cached: true));
        AssertOutsideTransaction(test, db);
    }

    /// <summary>
    /// Every statement kind that reads a pre-image in CacheBot's own transaction, refused by the server (the unique
    /// <c>Name</c>): a plain UPDATE, an UPDATE joining a list (<c>FROM</c>), an upsert.
    /// </summary>
    public static TheoryData<string, string> RefusedStatements => new()
    {
        { "sqlite", "UPDATE \"Item\" SET \"Name\" = 'a' WHERE \"Id\" = 2" },
        { "postgres", "UPDATE \"Item\" SET \"Name\" = 'a' WHERE \"Id\" = 2" },
        { "sqlite", "UPDATE \"Item\" SET \"Name\" = o.\"Name\" FROM \"Item\" o WHERE o.\"Id\" = 1 AND \"Item\".\"Id\" = 2" },
        { "postgres", "UPDATE \"Item\" SET \"Name\" = o.\"Name\" FROM \"Item\" o WHERE o.\"Id\" = 1 AND \"Item\".\"Id\" = 2" },
        { "sqlite", "INSERT INTO \"Item\" (\"Id\", \"Cat\", \"Name\") VALUES (2, 2, 'a') ON CONFLICT (\"Id\") DO UPDATE SET \"Cat\" = excluded.\"Cat\", \"Name\" = excluded.\"Name\"" },
        { "postgres", "INSERT INTO \"Item\" (\"Id\", \"Cat\", \"Name\") VALUES (2, 2, 'a') ON CONFLICT (\"Id\") DO UPDATE SET \"Cat\" = excluded.\"Cat\", \"Name\" = excluded.\"Name\"" },
    };

    [Theory]
    [MemberData(nameof(RefusedStatements))]
    public void EveryImagedStatementKind_RefusedByTheServer_NothingStale_ConnectionOutsideTransaction(string provider, string sql)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal([1, 2], Probe.Warm(test.Cache, () => IdsOfCat(db, "Item", 1, cached: true)));
        using var plainDb = test.OpenPlain();
        var plainError = Record.Exception(() => plainDb.Execute(sql));

        var error = Record.Exception(() => db.Execute(sql));

        Assert.NotNull(plainError);
        Assert.IsType(plainError.GetType(), error);
        Assert.Equal([1, 2], IdsOfCat(plainDb, "Item", 1, cached: false));
        Assert.Equal([1, 2], IdsOfCat(db, "Item", 1, cached: true));
        AssertOutsideTransaction(test, db);
    }

    [Fact]
    public void CommitRefusedByADeferredForeignKey_NothingWritten_EntriesKept_ConnectionOutsideTransaction()
    {
        using var test = SchemaDb.Create("postgres", SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal([1], Probe.Warm(test.Cache, () => ChildIdsOfCat(db, 1, cached: true)));

        // The UPDATE succeeds; the deferred key is checked at COMMIT, which fails and ends the transaction.
        var error = Record.Exception(() => db.GetTable<SChildRow>().Where(c => c.Id == 1).Set(c => c.CatId, 99).Update());

        var refused = Assert.IsType<Npgsql.PostgresException>(error);
        Assert.Equal("23503", refused.SqlState);
        using var plain = test.OpenPlain();
        Assert.Equal([1], ChildIdsOfCat(plain, 1, cached: false));
        var (answer, hit) = Probe.Run(test.Cache, () => ChildIdsOfCat(db, 1, cached: true));
        Assert.True(hit, "a COMMIT the server refused wrote nothing: the entry should still be served");
        Assert.Equal([1], answer);
        AssertOutsideTransaction(test, db);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void FaultWhileReadingReturnedRows_TheWriteStillCounts_NothingStale(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Assert.Equal([1, 2], Probe.Warm(test.Cache, () => IdsOfCat(db, "Item", 1, cached: true)));
        WriteExecution.AfterReturnedRow.Value = () => throw new InvalidOperationException("injected fault in CacheBot's reading");
        Exception? error;
        try
        {
            error = Record.Exception(() => db.GetTable<SItem>().Where(i => i.Id == 2).Set(i => i.Cat, 2).Update());
        }
        finally
        {
            WriteExecution.AfterReturnedRow.Value = null;
        }

        Assert.IsType<InvalidOperationException>(error);
        using var plain = test.OpenPlain();
        var truth = IdsOfCat(plain, "Item", 1, cached: false);

        // SQLite: CacheBot's ROLLBACK undid the write. PostgreSQL: the COMMIT sent with the write ran when its reader was
        // disposed, so the write happened and must have invalidated the entry.
        Assert.Equal(test.IsPostgres ? [1] : [1, 2], truth);
        Assert.Equal(truth, IdsOfCat(db, "Item", 1, cached: true));
        AssertOutsideTransaction(test, db);
    }
}

[LinqToDB.Mapping.Table("Child")]
public sealed class SChildRow
{
    [LinqToDB.Mapping.PrimaryKey]
    public int Id { get; set; }

    [LinqToDB.Mapping.Column]
    public int CatId { get; set; }

    [LinqToDB.Mapping.Column]
    public string Name { get; set; } = string.Empty;
}

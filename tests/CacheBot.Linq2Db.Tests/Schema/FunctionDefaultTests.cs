using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// PostgreSQL runs functions a statement does not name: a column default and a row-level security policy may call a
/// function that writes another table. Such a function is a trigger whose body cannot be read: the write invalidates
/// the whole database. A default that calls only built-ins (<c>now()</c>, <c>nextval</c>) does not.
/// </summary>
public sealed class FunctionDefaultTests
{
    private const string PostgresDdl = """
        CREATE TABLE "FnLog" ("Id" SERIAL PRIMARY KEY, "What" TEXT NOT NULL);
        CREATE FUNCTION fn_logged() RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO "FnLog" ("What") VALUES ('default'); RETURN 1; END $$;
        CREATE FUNCTION fn_checked(v integer) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO "FnLog" ("What") VALUES ('policy'); RETURN true; END $$;
        CREATE TABLE "FnDefaulted" ("Id" INTEGER PRIMARY KEY, "Stamp" INTEGER NOT NULL DEFAULT fn_logged());
        CREATE TABLE "FnGuarded" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL);
        ALTER TABLE "FnGuarded" ENABLE ROW LEVEL SECURITY;
        ALTER TABLE "FnGuarded" FORCE ROW LEVEL SECURITY;
        CREATE POLICY fn_all ON "FnGuarded" USING (true) WITH CHECK (fn_checked("Value"));
        CREATE TABLE "FnPlain" ("Id" INTEGER PRIMARY KEY, "At" TIMESTAMP NOT NULL DEFAULT now(), "Seq" SERIAL);
        """;

    private static List<string> Log(DataConnection db) => [.. db.GetTable<FnLog>().AsCacheBot().Cache().Select(l => l.What).ToList().Order(StringComparer.Ordinal)];

    [Fact]
    public void DefaultCallingAWritingFunction_InsertInvalidatesWhatTheFunctionWrites()
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        Assert.Empty(Probe.Warm(test.Cache, () => Log(db)));

        db.Insert(new FnDefaulted { Id = 1 });

        Assert.Equal(["default"], Log(db));
    }

    [Fact]
    public void PolicyCallingAWritingFunction_WriteInvalidatesTheWholeDatabase()
    {
        // The test role may bypass row-level security (a superuser always does), so the policy may not run here: what is
        // checked is that CacheBot treats the write as one that may run it, a write of the whole database.
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        db.Insert(new FnGuarded { Id = 1, Value = 1 }); // the catalog learns the table at its first write
        Probe.Warm(test.Cache, () => Log(db));

        db.Insert(new FnGuarded { Id = 2, Value = 2 });

        var (_, hit) = Probe.Run(test.Cache, () => Log(db));
        Assert.False(hit, "a policy that calls a function that may write makes every write to its table a write of the database");
    }

    [Fact]
    public void DefaultsCallingBuiltIns_InsertKeepsOtherTablesCached()
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        db.Insert(new FnPlain { Id = 1 }); // the catalog learns the table at its first write
        Probe.Warm(test.Cache, () => Log(db));

        db.Insert(new FnPlain { Id = 2 });

        var (log, hit) = Probe.Run(test.Cache, () => Log(db));
        Assert.Empty(log);
        Assert.True(hit, "now() and nextval write no table: the log's entry stays");
    }
}

[Table("FnLog")]
public sealed class FnLog
{
    [PrimaryKey, Identity]
    public int Id { get; set; }

    [Column, NotNull]
    public string What { get; set; } = "";
}

[Table("FnDefaulted")]
public sealed class FnDefaulted
{
    [PrimaryKey]
    public int Id { get; set; }
}

[Table("FnGuarded")]
public sealed class FnGuarded
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Value { get; set; }
}

[Table("FnPlain")]
public sealed class FnPlain
{
    [PrimaryKey]
    public int Id { get; set; }
}

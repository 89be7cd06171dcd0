using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// PostgreSQL runs functions a statement does not name: a column default, a CHECK constraint, a domain's CHECK and a
/// row-level security policy may call a function that writes another table, directly or through a user-defined
/// operator, and SQL text may call one through an operator or a cast. Such a function is a trigger whose body cannot be
/// read: the write invalidates the whole database. Built-ins (<c>now()</c>, <c>nextval</c>, <c>@&gt;</c>, casts to
/// standard types) do not.
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
        CREATE FUNCTION fn_note(what text) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO "FnLog" ("What") VALUES (what); RETURN true; END $$;
        CREATE FUNCTION fn_op(a integer, b integer) RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN PERFORM fn_note('operator'); RETURN a + b; END $$;
        CREATE OPERATOR ==> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = fn_op);
        CREATE FUNCTION fn_checks(v integer) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN RETURN fn_note('check'); END $$;
        CREATE DOMAIN fn_checked_int AS integer CHECK (fn_checks(VALUE));
        CREATE DOMAIN fn_checked_int2 AS fn_checked_int;
        CREATE TYPE fn_loud AS (v integer);
        CREATE FUNCTION fn_to_loud(v integer) RETURNS fn_loud LANGUAGE plpgsql AS $$
        BEGIN PERFORM fn_note('cast'); RETURN ROW(v); END $$;
        CREATE CAST (integer AS fn_loud) WITH FUNCTION fn_to_loud(integer);
        CREATE TABLE "FnOperatorDefault" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL, "Stamp" INTEGER NOT NULL DEFAULT (1 ==> 2));
        CREATE TABLE "FnCheck" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL CHECK (fn_checks("Value")));
        CREATE TABLE "FnOperatorCheck" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL CHECK (("Value" ==> 0) > -1000));
        CREATE TABLE "FnDomain" ("Id" INTEGER PRIMARY KEY, "Value" fn_checked_int NOT NULL);
        CREATE TABLE "FnDomainOfDomain" ("Id" INTEGER PRIMARY KEY, "Value" fn_checked_int2 NOT NULL);
        CREATE TABLE "FnPlainCheck" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL CHECK ("Value" > -1000 AND abs("Value") >= 0));
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

    [Theory]
    [InlineData("FnOperatorDefault", "operator")]
    [InlineData("FnCheck", "check")]
    [InlineData("FnOperatorCheck", "operator")]
    [InlineData("FnDomain", "check")]
    [InlineData("FnDomainOfDomain", "check")]
    public void ExpressionRunningAWritingFunction_InsertInvalidatesWhatTheFunctionWrites(string table, string logged)
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        Assert.Empty(Probe.Warm(test.Cache, () => Log(db)));

        db.Execute($"INSERT INTO \"{table}\" (\"Id\", \"Value\") VALUES (1, 1)");
        Assert.Equal([logged], Log(db));

        // Again once the catalog knows the table (the first write read it), through linq2db's own INSERT.
        Probe.Warm(test.Cache, () => Log(db));
        db.GetTable<FnValueRow>().TableName(table).Insert(() => new FnValueRow { Id = 2, Value = 2 });
        Assert.Equal([logged, logged], Log(db));
    }

    [Theory]
    [InlineData("SELECT 1 ==> 2", "operator")]
    [InlineData("SELECT 1 OPERATOR(==>) 2", "operator")]
    [InlineData("SELECT (3==>4)=-1", "operator")]
    [InlineData("SELECT 5::fn_loud", "cast")]
    [InlineData("SELECT CAST(5 AS fn_loud)", "cast")]
    public void SqlTextRunningAWritingFunctionThroughAnOperatorOrCast_InvalidatesWhatTheFunctionWrites(string sql, string logged)
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        Assert.Empty(Probe.Warm(test.Cache, () => Log(db)));

        db.Execute(sql);

        Assert.Equal([logged], Log(db));
    }

    [Theory]
    [InlineData("SELECT ARRAY[1, 2] @> ARRAY[1]")]
    [InlineData("SELECT 5::text || 'x'")]
    [InlineData("SELECT CAST(5 AS double precision) >= -1")]
    public void SqlTextWithBuiltInOperatorsAndCasts_KeepsEntriesCached(string sql)
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => Log(db));

        db.Execute(sql);

        var (log, hit) = Probe.Run(test.Cache, () => Log(db));
        Assert.Empty(log);
        Assert.True(hit, "built-in operators and casts to standard types write no table");
    }

    [Fact]
    public void ChecksCallingBuiltIns_InsertKeepsOtherTablesCached()
    {
        using var test = SchemaDb.Create("postgres", "", PostgresDdl);
        using var db = test.Open();
        db.Execute("INSERT INTO \"FnPlainCheck\" (\"Id\", \"Value\") VALUES (1, 1)"); // the catalog learns the table
        Probe.Warm(test.Cache, () => Log(db));

        db.Execute("INSERT INTO \"FnPlainCheck\" (\"Id\", \"Value\") VALUES (2, 2)");

        var (log, hit) = Probe.Run(test.Cache, () => Log(db));
        Assert.Empty(log);
        Assert.True(hit, "a CHECK that calls only built-ins writes no table: the log's entry stays");
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

public sealed class FnValueRow
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

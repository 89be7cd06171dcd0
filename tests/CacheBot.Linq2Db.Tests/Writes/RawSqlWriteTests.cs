using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Writes;

public sealed class SqliteRawSqlWriteTests : RawSqlWriteTests
{
    protected override bool IsPostgres => false;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("rawsql");

    [Fact]
    public void SqliteTableWithReplaceConflictClause_PlainInsertDeletingARow_NotStale()
    {
        using var db = Open();
        db.Execute("CREATE TABLE \"RPlace\" (\"Id\" INTEGER PRIMARY KEY, \"Code\" TEXT NOT NULL UNIQUE ON CONFLICT REPLACE)");
        db.Execute("INSERT INTO \"RPlace\" VALUES (1, 'a'), (2, 'b')");
        Assert.Equal(["a"], CodesOfRow1(db));
        var hits = Cache.Statistics.Hits;
        Assert.Equal(["a"], CodesOfRow1(db));
        Assert.True(Cache.Statistics.Hits > hits);

        // Code 'a' is taken by row 1: SQLite deletes row 1 to insert row 3.
        db.Execute("INSERT INTO \"RPlace\" (\"Id\", \"Code\") VALUES (3, 'a')");

        Assert.Empty(CodesOfRow1(db));

        static List<string> CodesOfRow1(DataConnection db) =>
            db.GetTable<RPlace>().AsCacheBot().Cache().Where(r => r.Id == 1).Select(r => r.Code).ToList();
    }
}

public sealed class PostgresRawSqlWriteTests : RawSqlWriteTests
{
    protected override bool IsPostgres => true;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbraw");

    /// <summary>
    /// An extension that overloads a built-in aggregate (citext adds <c>max(citext)</c> and <c>min(citext)</c>, in C) must
    /// not make every read that calls <c>MAX</c> a write of the whole database (it did: every such read emptied the cache).
    /// </summary>
    [Fact]
    public void ExtensionOverloadingMax_AReadCallingMax_StaysARead()
    {
        using var db = Open();
        db.Execute("CREATE EXTENSION IF NOT EXISTS citext");
        Warm(db, 2);

        int MaxStatus() => db.GetTable<EPhoto>().AsCacheBot().Cache().Where(p => p.UserId == 1).Max(p => p.Status);
        var max = MaxStatus();
        var hits = Cache.Statistics.Hits;
        Assert.Equal(max, MaxStatus());
        Assert.Equal(hits + 1, Cache.Statistics.Hits);

        // The MAX reads left the other entry alone.
        CachedIds(db, 2);
        Assert.Equal(hits + 2, Cache.Statistics.Hits);
    }
}

/// <summary>Raw SQL through a tracked connection: the cached query must return the database's answer afterwards.</summary>
public abstract class RawSqlWriteTests : RawSqlTestBase
{
    [Theory]
    [InlineData(" -- move it")]
    [InlineData(" -- move it\n")]
    [InlineData(" /* move it */;")]
    [InlineData("; -- done")]
    [InlineData("\n-- a\n/* b */\n-- c")]
    public void TrailingComment_Update_ReturnsRowCountAndInvalidates(string suffix)
    {
        using var db = Open();
        Warm(db, 2);
        WarmTitle(db, 2);

        var affected = db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1, \"Title\" = 'moved' WHERE \"Id\" = 2" + suffix);

        Assert.Equal(1, affected);
        AssertNotStale(1, 2);
    }

    [Theory]
    [InlineData(" -- gone")]
    [InlineData(" /* gone */")]
    public void TrailingComment_InsertAndDelete_ReturnRowCountsAndInvalidate(string suffix)
    {
        using var db = Open();
        Warm(db, 2);

        Assert.Equal(1, db.Execute("INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (7, 1, 2, 'new')" + suffix));
        AssertNotStale(2);
        Warm(db, 2);
        Assert.Equal(2, db.Execute("DELETE FROM \"EPhoto\" WHERE \"Id\" IN (1, 7)" + suffix));
        AssertNotStale(2);
    }

    [Fact]
    public void LeadingAndInnerComments_Update_Invalidates()
    {
        using var db = Open();
        Warm(db, 1);

        db.Execute("/* lead */ UPDATE /* a */ \"EPhoto\" -- b\n SET \"Status\" = 1 WHERE \"Id\" = 3 -- c\n AND 'x;--' = 'x;--'");

        AssertNotStale(1, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailedBatch_FirstStatementCommitted_StillInvalidates(bool async)
    {
        using var db = Open();
        Warm(db, 2);
        var sql = "INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (8, 0, 2, 'batch'); " + FailingStatement;

        var error = async
            ? await Record.ExceptionAsync(() => db.ExecuteAsync(sql, Token))
            : Record.Exception(() => db.Execute(sql));

        Assert.NotNull(error);
        AssertNotStale(2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailedBatch_InsideTransaction_InvalidatesAtCommit(bool async)
    {
        using var db = Open();
        Warm(db, 2);
        using (var transaction = async ? await db.BeginTransactionAsync(Token) : db.BeginTransaction())
        {
            var sql = "UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1; " + FailingStatement;
            Assert.NotNull(async ? await Record.ExceptionAsync(() => db.ExecuteAsync(sql, Token)) : Record.Exception(() => db.Execute(sql)));
            if (IsPostgres)
            {
                // PostgreSQL aborted the transaction: only a rollback is possible.
                transaction.Rollback();
            }
            else
            {
                transaction.Commit();
            }
        }

        AssertNotStale(1, 2);
    }

    [Fact]
    public void FailedBatch_ReaderCommand_StillInvalidates()
    {
        using var db = Open();
        Warm(db, 2);

        var error = Record.Exception(() => db.Query<int>("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2 RETURNING \"Id\"; " + FailingStatement).ToList());

        // PostgreSQL runs the whole batch; Microsoft.Data.Sqlite only the statements the reader reaches.
        Assert.Equal(IsPostgres, error is not null);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void WritingFunction_CalledWithSelect_Invalidates()
    {
        using var db = Open();
        CreateWritingFunction(db);
        Warm(db, 2);

        db.Execute("SELECT cachebot_demote(2)");
        AssertNotStale(1, 2);

        Warm(db, 2);
        Assert.Equal(1, db.Execute<int>("SELECT cachebot_demote(3)"));
        AssertNotStale(1, 2);
    }

    [Fact]
    public async Task WritingFunction_CalledThroughQueryAndFromSql_Invalidates()
    {
        using var db = Open();
        CreateWritingFunction(db);
        Warm(db, 2);

        Assert.Equal([1], db.Query<int>("SELECT cachebot_demote(1) AS \"Value\"").ToList());
        AssertNotStale(1, 2);

        Warm(db, 2);

        // SQLite's function writes through another connection, which must not find this statement reading the table.
        var sql = IsPostgres
            ? "SELECT * FROM \"EPhoto\" WHERE \"Id\" = 6 AND cachebot_demote(2) = 1"
            : "SELECT 6 AS \"Id\", 0 AS \"UserId\", 1 AS \"Status\", 'x' AS \"Title\" WHERE cachebot_demote(2) = 1";
        var rows = await LinqToDB.Async.AsyncExtensions.ToListAsync(db.FromSql<EPhoto>(sql), Token);
        Assert.Single(rows);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void ReadOnlyFunction_CalledWithSelect_DoesNotInvalidate()
    {
        using var db = Open();
        Warm(db, 2);
        var hits = Cache.Statistics.Hits;

        _ = db.Execute<long>("SELECT count(*) FROM \"EPhoto\" WHERE lower(\"Title\") = 't1'");
        CachedIds(db, 2);

        Assert.True(Cache.Statistics.Hits > hits);
    }

    [Fact]
    public void Upsert_InsertOrUpdateExistingRow_InvalidatesItsRowsOnly()
    {
        using var db = Open();
        Warm(db, 2);
        Warm(db, 1);
        WarmTitle(db, 5);

        db.GetTable<EPhoto>().InsertOrUpdate(
            () => new EPhoto { Id = 2, UserId = 0, Status = 1, Title = "up" },
            p => new EPhoto { Status = 1, Title = "up" });

        var hits = Cache.Statistics.Hits;
        Assert.Equal("t5", CachedTitle(db, 5));
        Assert.True(Cache.Statistics.Hits > hits, "an upsert of row 2 must not invalidate row 5");
        AssertNotStale(1, 2);
    }

    [Fact]
    public void Upsert_InsertOrReplaceNewRow_InvalidatesItsRowsOnly()
    {
        using var db = Open();
        Warm(db, 2);
        WarmTitle(db, 5);

        db.InsertOrReplace(new EPhoto { Id = 9, UserId = 1, Status = 2, Title = "nine" });

        var hits = Cache.Statistics.Hits;
        Assert.Equal("t5", CachedTitle(db, 5));
        Assert.True(Cache.Statistics.Hits > hits, "an upsert of row 9 must not invalidate row 5");
        AssertNotStale(1, 2);
        Assert.Equal("nine", CachedTitle(db, 9));
    }

    [Fact]
    public void Upsert_RawOnConflictWithSeveralRows_IsPrecise()
    {
        using var db = Open();
        Warm(db, 2);
        WarmTitle(db, 5);

        var affected = db.Execute(
            "INSERT INTO \"EPhoto\" AS t (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (1, 1, 1, 'one'), (10, 0, 2, 'ten') " +
            "ON CONFLICT (\"Id\") DO UPDATE SET \"Status\" = excluded.\"Status\", \"Title\" = excluded.\"Title\" -- upsert");

        Assert.Equal(2, affected);
        var hits = Cache.Statistics.Hits;
        Assert.Equal("t5", CachedTitle(db, 5));
        Assert.True(Cache.Statistics.Hits > hits);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void Upsert_OnConflictDoNothing_IsAnInsert()
    {
        using var db = Open();
        Warm(db, 2);
        WarmTitle(db, 1);

        db.Execute("INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (1, 1, 1, 'x'), (11, 0, 2, 'eleven') ON CONFLICT DO NOTHING");

        var hits = Cache.Statistics.Hits;
        Assert.Equal("t1", CachedTitle(db, 1));
        Assert.True(Cache.Statistics.Hits > hits, "DO NOTHING leaves row 1 as it was");
        AssertNotStale(1, 2);
    }

    [Fact]
    public void Upsert_ReplaceWithoutNamedKey_InvalidatesTheTable()
    {
        using var db = Open();
        Warm(db, 2);
        var sql = IsPostgres
            ? "INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (3, 1, 1, 'r') ON CONFLICT ON CONSTRAINT \"PK_EPhoto\" DO UPDATE SET \"Status\" = 1"
            : "INSERT OR REPLACE INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (3, 1, 1, 'r')";

        db.Execute(sql);

        AssertNotStale(1, 2);
    }

    [Fact]
    public void Upsert_KeyChangingUpdate_IsNotStale()
    {
        using var db = Open();
        Warm(db, 2);
        WarmTitle(db, 40);

        db.Execute("INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (4, 0, 2, 'k') ON CONFLICT (\"Id\") DO UPDATE SET \"Id\" = 40");

        AssertNotStale(1, 2);
        Assert.Equal(TrueTitle(db, 40), CachedTitle(db, 40));
    }

    [Fact]
    public void ProviderSpecificBulkCopy_ReadersDuringAndAfterTheCopy_NeverGetPreCopyData()
    {
        using var copier = Open();
        using var reader = Open();
        Warm(reader, 2);
        var duringCopy = new List<int>();

        IEnumerable<EPhoto> Source()
        {
            yield return new EPhoto { Id = 20, UserId = 0, Status = 2, Title = "c20" };

            // The copy is in flight on the other connection: a reader caches whatever it sees now.
            duringCopy.AddRange(CachedIds(reader, 2));
            yield return new EPhoto { Id = 21, UserId = 1, Status = 2, Title = "c21" };
        }

        copier.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, Source());

        // The copying connection is not used again: no reader may still get the pre-copy answer.
        Assert.Equal(TrueIds(reader, 2), CachedIds(reader, 2));
        Assert.Contains(21, CachedIds(reader, 2));
        Assert.NotEmpty(duringCopy);

        copier.Execute("SELECT 1");
        Warm(reader, 2);
        AssertNotStale(1, 2);
    }

    /// <summary>A statement that fails at run time after the previous one ran.</summary>
    private string FailingStatement => IsPostgres ? "SELECT 1/0" : "SELECT * FROM \"no_such_table\"";

    /// <summary>
    /// <c>cachebot_demote(n)</c> moves up to n rows of status 2 to status 1 and returns 1: a PL/pgSQL function in PostgreSQL,
    /// an application-defined function (writing through its own connection) in SQLite.
    /// </summary>
    private void CreateWritingFunction(DataConnection db)
    {
        if (IsPostgres)
        {
            db.Execute("""
                CREATE FUNCTION cachebot_demote(n int) RETURNS int LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "EPhoto" SET "Status" = 1 WHERE "Id" IN (SELECT "Id" FROM "EPhoto" WHERE "Status" = 2 ORDER BY "Id" LIMIT n);
                    RETURN 1;
                END $$
                """);
            return;
        }

        var opened = db.OpenDbConnection();
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)(opened is CacheBot.Linq2Db.Transactions.TrackingConnection tracking ? tracking.Inner : opened);
        var options = PlainOptions;
        connection.CreateFunction("cachebot_demote", (long n) =>
        {
            using var writer = new DataConnection(options);
            writer.Execute($"UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" IN (SELECT \"Id\" FROM \"EPhoto\" WHERE \"Status\" = 2 ORDER BY \"Id\" LIMIT {n})");
            return 1L;
        });
    }
}

[LinqToDB.Mapping.Table("RPlace")]
public sealed class RPlace
{
    [LinqToDB.Mapping.PrimaryKey]
    public int Id { get; set; }

    [LinqToDB.Mapping.Column, LinqToDB.Mapping.NotNull]
    public string Code { get; set; } = "";
}

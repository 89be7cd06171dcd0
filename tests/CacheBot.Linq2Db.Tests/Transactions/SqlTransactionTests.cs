using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Tests.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Transactions;

public sealed class SqliteSqlTransactionTests : SqlTransactionTests
{
    protected override bool IsPostgres => false;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("sqltx");

    [Fact]
    public void SqliteSavepoint_AsTransaction_AppliesAtTheOutermostRelease()
    {
        using var db = Open();
        Warm(db, 2);
        var invalidations = Cache.Statistics.Invalidations;

        db.Execute("SAVEPOINT outer_sp");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("SAVEPOINT inner_sp");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        db.Execute("RELEASE inner_sp");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("RELEASE SAVEPOINT outer_sp");

        Assert.NotEqual(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void SqliteConflictRollback_EndsTheTransaction_LaterWritesApplyAtOnce()
    {
        using var db = Open();
        Warm(db, 2);
        db.Execute("BEGIN");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");

        Assert.ThrowsAny<Exception>(() => db.Execute("INSERT OR ROLLBACK INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (2, 0, 2, 'dup')"));
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 3");

        AssertNotStale(1, 2);
    }
}

public sealed class PostgresSqlTransactionTests : SqlTransactionTests
{
    protected override bool IsPostgres => true;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbsqltx");

    [Fact]
    public void RawCommit_ThenRawBegin_TheNextTransactionIsTrackedToo()
    {
        using var db = Open();
        Warm(db, 2);
        var transaction = db.BeginTransaction();
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("COMMIT");
        transaction.Dispose();

        Warm(db, 2);
        db.Execute("BEGIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("END");
        AssertNotStale(1, 2);
    }

    [Fact]
    public void PostgresSavepoint_OutsideTransaction_FailsAndLaterWritesApplyAtOnce()
    {
        using var db = Open();
        Warm(db, 2);

        Assert.ThrowsAny<Exception>(() => db.Execute("SAVEPOINT nowhere"));
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");

        AssertNotStale(1, 2);
    }

    [Fact]
    public void CommitAndChain_AppliesAndStaysInATransaction()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("COMMIT AND CHAIN");
        AssertNotStale(1, 2);

        Warm(Open(), 2);
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("ROLLBACK");

        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void RollbackAndChain_DropsAndStaysInATransaction()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN; UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("ROLLBACK AND CHAIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("COMMIT");

        AssertNotStale(1, 2);
    }

    [Fact]
    public void Abort_RollsBack()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("ABORT");

        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        AssertNotStale(1, 2);
    }
}

/// <summary>
/// Transactions driven by SQL text, alone or mixed with the API: writes apply only at the outermost commit (never at a
/// savepoint release, dropped on rollback), whatever ends the transaction first applies them, and afterwards no cached
/// answer is stale.
/// </summary>
public abstract class SqlTransactionTests : RawSqlTestBase
{
    [Fact]
    public void RawBeginCommit_WritesApplyAtCommitOnly()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("COMMIT");

        Assert.NotEqual(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void RawBeginRollback_WritesAreDropped()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("ROLLBACK");

        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void ReadsInsideSqlTransaction_BypassTheCache()
    {
        using var db = Open();
        Warm(db, 2);
        db.Execute("BEGIN");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        var bypasses = Cache.Statistics.Bypasses;

        Assert.Equal(TrueIds(db, 2), CachedIds(db, 2));

        Assert.True(Cache.Statistics.Bypasses > bypasses);
        db.Execute("ROLLBACK");
    }

    [Fact]
    public void NestedSavepoints_InsideBegin_ApplyOnlyAtTheOutermostCommit()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN");
        var invalidations = Cache.Statistics.Invalidations;
        db.Execute("SAVEPOINT a");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");
        db.Execute("RELEASE SAVEPOINT a");
        db.Execute("SAVEPOINT b; UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");
        db.Execute("ROLLBACK TO SAVEPOINT b");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 2 WHERE \"Id\" = 4");
        Assert.Equal(invalidations, Cache.Statistics.Invalidations);
        db.Execute("COMMIT");

        Assert.NotEqual(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public void ApiTransaction_WithRawSavepoints_AppliesAtTheApiCommit()
    {
        using var db = Open();
        Warm(db, 2);
        var invalidations = Cache.Statistics.Invalidations;
        using (var transaction = db.BeginTransaction())
        {
            db.Execute("SAVEPOINT s1");
            db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 3");
            db.Execute("RELEASE SAVEPOINT s1");
            Assert.Equal(invalidations, Cache.Statistics.Invalidations);
            transaction.Commit();
        }

        Assert.NotEqual(invalidations, Cache.Statistics.Invalidations);
        AssertNotStale(1, 2);
    }

    [Fact]
    public async Task ApiTransaction_SavepointApi_RollbackToKeepsOuterWrites()
    {
        using var db = Open();
        Warm(db, 2);
        await using (var transaction = await db.BeginTransactionAsync(Token))
        {
            await db.ExecuteAsync("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1", Token);
            var raw = db.Transaction!;
            await raw.SaveAsync("sp_inner", Token);
            await db.ExecuteAsync("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2", Token);
            await raw.RollbackAsync("sp_inner", Token);
            await transaction.CommitAsync(Token);
        }

        AssertNotStale(1, 2);
    }

    [Fact]
    public void RawCommit_AfterBeginTransaction_AppliesThenAndTheApiEndChangesNothing()
    {
        var db = Open();
        try
        {
            using var other = Open();
            Warm(other, 2);
            var transaction = db.BeginTransaction();
            db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");

            db.Execute("COMMIT");
            AssertNotStale(1, 2);

            // The API transaction is over in the database: SQLite keeps running commands (in autocommit), Npgsql refuses them.
            Warm(other, 2);
            var error = Record.Exception(() => db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2"));
            Assert.Equal(IsPostgres, error is not null);
            AssertNotStale(1, 2);

            // Ending it through the API fails (SQLite) or does nothing (Npgsql), as it would without CacheBot.
            Warm(other, 2);
            var invalidations = Cache.Statistics.Invalidations;
            _ = Record.Exception(transaction.Dispose);
            Assert.Equal(invalidations, Cache.Statistics.Invalidations);
            AssertNotStale(1, 2);
        }
        finally
        {
            _ = Record.Exception(db.Dispose);
        }
    }

    [Fact]
    public void TransactionControlInsideABatch_IsFollowedInOrder()
    {
        using var db = Open();
        Warm(db, 2);

        db.Execute("BEGIN; UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1; COMMIT; UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2");

        AssertNotStale(1, 2);
    }

    [Fact]
    public async Task FailedCommitBatch_StateUnknown_NotStale()
    {
        using var db = Open();
        Warm(db, 2);
        db.Execute("BEGIN");
        db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 1");

        var failing = IsPostgres ? "COMMIT; SELECT 1/0" : "COMMIT; SELECT * FROM \"no_such_table\"";
        _ = await Record.ExceptionAsync(() => db.ExecuteAsync(failing, Token));
        await db.ExecuteAsync("UPDATE \"EPhoto\" SET \"Status\" = 1 WHERE \"Id\" = 2", Token);

        AssertNotStale(1, 2);
    }
}

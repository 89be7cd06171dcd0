using System.Data.Common;
using System.Transactions;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Lifecycle;

/// <summary>What the case writes, through which linq2db path.</summary>
public enum LifeWrite
{
    /// <summary><c>db.Update(entity)</c>; failing: <c>db.Insert</c> of a duplicate key.</summary>
    EntityCrud,

    /// <summary><c>Where(...).Set(...).Update()</c>; failing: a LINQ insert of a duplicate key.</summary>
    LinqDml,

    /// <summary><c>db.Execute("UPDATE ...")</c>; failing: one command "UPDATE ...; INSERT duplicate" (the first statement wrote).</summary>
    RawSql,

    /// <summary><c>db.BulkCopy</c> of a new row (the provider's default copy); failing: row by row, the second row a duplicate.</summary>
    BulkCopy,
}

/// <summary>How the write's transaction is set up.</summary>
public enum LifeSetup
{
    /// <summary>Autocommit.</summary>
    NoTransaction,

    /// <summary><c>db.BeginTransaction()</c>.</summary>
    ApiTransaction,

    /// <summary>SQL text <c>BEGIN</c>.</summary>
    RawBegin,

    /// <summary>A <c>TransactionScope</c> the connection enlisted in (opened inside it; Npgsql only).</summary>
    ScopeEnlisted,

    /// <summary>A <c>TransactionScope</c> the connection did not enlist in (Microsoft.Data.Sqlite never does; Npgsql when opened before).</summary>
    ScopeNotEnlisted,
}

/// <summary>How the transaction (or the unit of work) ends.</summary>
public enum LifeEnd
{
    Commit,
    Rollback,

    /// <summary>A second write fails (or, for raw SQL, the write's own batch fails after its first statement); then the code commits anyway.</summary>
    FailureMidway,

    /// <summary>The application closes the raw DbConnection before any commit.</summary>
    ConnectionClosed,
}

/// <summary>
/// Issue 13's lifecycle matrix: {entity CRUD, LINQ DML, raw SQL, bulk copy} x {no transaction, API transaction, raw BEGIN,
/// TransactionScope enlisted and not} x {commit, rollback, failure midway, connection closed}, on SQLite and PostgreSQL (the
/// user-owned connection and transaction rows are refused: <see cref="UserOwnedConnectionTests"/>). Each case caches a get
/// and a list query over the written row, writes, has a reader on another thread (another DataConnection on the same cache)
/// query through the cache while the transaction is open and after it ends, and checks every cached answer against a plain
/// linq2db read; then an autocommit write on the same DataConnection must apply at once.
/// </summary>
public sealed class LifecycleMatrixTests
{
    private const int UpdatedId = 1;
    private const int InsertedId = 7;

    public static TheoryData<string, LifeWrite, LifeSetup, LifeEnd> Cases()
    {
        var data = new TheoryData<string, LifeWrite, LifeSetup, LifeEnd>();
        foreach (var database in new[] { "SQLite", "PostgreSQL" })
        {
            foreach (var write in Enum.GetValues<LifeWrite>())
            {
                foreach (var setup in Enum.GetValues<LifeSetup>())
                {
                    foreach (var end in Enum.GetValues<LifeEnd>())
                    {
                        if (Possible(database, setup, end))
                        {
                            data.Add(database, write, setup, end);
                        }
                    }
                }
            }
        }

        return data;
    }

    /// <summary>The combinations that cannot happen.</summary>
    private static bool Possible(string database, LifeSetup setup, LifeEnd end) =>
        // Autocommit has nothing to roll back.
        !(setup == LifeSetup.NoTransaction && end == LifeEnd.Rollback)
        // Microsoft.Data.Sqlite never enlists in a TransactionScope.
        && !(database == "SQLite" && setup == LifeSetup.ScopeEnlisted);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lifecycle(string database, LifeWrite write, LifeSetup setup, LifeEnd end)
    {
        using var life = new LifecycleDatabase(database == "PostgreSQL");
        var target = write == LifeWrite.BulkCopy ? InsertedId : UpdatedId;
        var check = new Checker(life, target);
        check.Warm();

        DataConnection? db = null;
        DataConnectionTransaction? transaction = null;
        TransactionScope? scope = null;
        try
        {
            switch (setup)
            {
                case LifeSetup.ApiTransaction:
                    db = new DataConnection(life.Options);
                    transaction = db.BeginTransaction();
                    break;
                case LifeSetup.RawBegin:
                    db = new DataConnection(life.Options);
                    db.Execute("BEGIN");
                    break;
                case LifeSetup.ScopeEnlisted:
                    scope = new TransactionScope();
                    db = new DataConnection(life.Options); // opens (and enlists) at its first command, inside the scope
                    break;
                case LifeSetup.ScopeNotEnlisted when life.IsPostgres:
                    db = new DataConnection(life.Options);
                    _ = db.GetTable<EPhoto>().Count(); // opened before the scope: Npgsql does not enlist it
                    scope = new TransactionScope();
                    break;
                case LifeSetup.ScopeNotEnlisted:
                    scope = new TransactionScope();
                    db = new DataConnection(life.Options); // Microsoft.Data.Sqlite ignores the scope
                    break;
                default:
                    db = new DataConnection(life.Options);
                    break;
            }

            var failed = false;
            if (end == LifeEnd.FailureMidway)
            {
                if (write != LifeWrite.RawSql)
                {
                    Write(db, write);
                }

                failed = Record.Exception(() => FailingWrite(db, write)) is not null;
                Assert.True(failed, "the failing write must fail, or the case proves nothing");
            }
            else
            {
                Write(db, write);
            }

            // While the transaction is open: a reader elsewhere sees what is committed, through the cache as without it.
            var visible = check.ReaderAgrees("while open");
            if (end != LifeEnd.FailureMidway)
            {
                var committedAtOnce = setup is LifeSetup.NoTransaction or LifeSetup.ScopeNotEnlisted;
                Assert.True(committedAtOnce == visible, $"setup check: the write {(visible ? "is" : "is not")} visible to other connections while open");
            }

            switch (end)
            {
                case LifeEnd.Commit:
                case LifeEnd.FailureMidway:
                    _ = Record.Exception(() =>
                    {
                        switch (setup)
                        {
                            case LifeSetup.ApiTransaction:
                                transaction!.Commit();
                                break;
                            case LifeSetup.RawBegin:
                                db.Execute("COMMIT");
                                break;
                            case LifeSetup.ScopeEnlisted or LifeSetup.ScopeNotEnlisted:
                                scope!.Complete();
                                break;
                        }
                    });
                    break;
                case LifeEnd.Rollback:
                    switch (setup)
                    {
                        case LifeSetup.ApiTransaction:
                            transaction!.Rollback();
                            break;
                        case LifeSetup.RawBegin:
                            db.Execute("ROLLBACK");
                            break;
                    }

                    break;
                case LifeEnd.ConnectionClosed:
                    ((DbConnection)db.TryGetDbConnection()!).Close();
                    if (scope is not null)
                    {
                        scope.Complete();
                    }

                    break;
            }

            if (scope is not null)
            {
                _ = Record.Exception(scope.Dispose);
                scope = null;
            }

            if (transaction is not null)
            {
                _ = Record.Exception(transaction.Dispose);
                transaction = null;
            }

            var written = check.ReaderAgrees("after the end");
            if (end != LifeEnd.FailureMidway)
            {
                var expected = end == LifeEnd.Commit
                    || setup is LifeSetup.NoTransaction or LifeSetup.ScopeNotEnlisted
                    || (setup == LifeSetup.ScopeEnlisted && end == LifeEnd.ConnectionClosed);
                Assert.True(expected == written, $"setup check: the write {(written ? "is" : "is not")} committed after the end");
            }

            // Later autocommit writes on the same DataConnection apply at once.
            check.Warm();
            db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1, \"Title\" = 'later' WHERE \"Id\" = 3");
            _ = check.ReaderAgrees("after a later autocommit write");
            Assert.Equal("later", check.TrueTitle(3));
        }
        finally
        {
            _ = Record.Exception(() => transaction?.Dispose());
            _ = Record.Exception(() => scope?.Dispose());
            db?.Dispose();
        }

        // And once every connection is closed.
        _ = check.ReaderAgrees("after the writer closed");
    }

    private static EPhoto Row(int id) => new() { Id = id, UserId = 1, Status = id == InsertedId ? 2 : 1, Title = "w" };

    private static void Write(DataConnection db, LifeWrite write)
    {
        switch (write)
        {
            case LifeWrite.EntityCrud:
                db.Update(Row(UpdatedId));
                break;
            case LifeWrite.LinqDml:
                db.GetTable<EPhoto>().Where(p => p.Id == UpdatedId).Set(p => p.Status, 1).Set(p => p.Title, "w").Update();
                break;
            case LifeWrite.RawSql:
                db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1, \"Title\" = 'w' WHERE \"Id\" = 1");
                break;
            case LifeWrite.BulkCopy:
                db.BulkCopy([Row(InsertedId)]);
                break;
        }
    }

    /// <summary>A write that fails after the database may have written (a duplicate key; row 2 exists).</summary>
    private static void FailingWrite(DataConnection db, LifeWrite write)
    {
        switch (write)
        {
            case LifeWrite.EntityCrud:
                db.Insert(new EPhoto { Id = 2, UserId = 0, Status = 1, Title = "dup" });
                break;
            case LifeWrite.LinqDml:
                db.GetTable<EPhoto>().Value(p => p.Id, 2).Value(p => p.UserId, 0).Value(p => p.Status, 1).Value(p => p.Title, "dup").Insert();
                break;
            case LifeWrite.RawSql:
                db.Execute("UPDATE \"EPhoto\" SET \"Status\" = 1, \"Title\" = 'w' WHERE \"Id\" = 1; "
                    + "INSERT INTO \"EPhoto\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (2, 0, 1, 'dup')");
                break;
            case LifeWrite.BulkCopy:
                // Row by row, so the first row is written before the second fails (a multi-row INSERT or a binary COPY is one
                // statement, which fails as a whole).
                db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.RowByRow }, [Row(InsertedId + 1), new EPhoto { Id = 2, Title = "dup" }]);
                break;
        }
    }

    /// <summary>Reads through the cache and without it, on another thread with connections of its own.</summary>
    private sealed class Checker(LifecycleDatabase life, int target)
    {
        /// <summary>Fills the cache for both queries and proves the second reads were hits.</summary>
        public void Warm() => OnAnotherThread(() =>
        {
            using var db = new DataConnection(life.Options);
            _ = Cached(db);
            var hits = life.Cache.Statistics.Hits;
            _ = Cached(db);
            Assert.True(life.Cache.Statistics.Hits >= hits + 2, "the second reads must be hits, or the case proves nothing");
        });

        /// <summary>Asserts that cached answers equal the database's; returns whether the target row holds the write.</summary>
        public bool ReaderAgrees(string when) => OnAnotherThread(() =>
        {
            using var cached = new DataConnection(life.Options);
            using var plain = new DataConnection(life.Plain);
            for (var round = 0; round < 2; round++)
            {
                // The first round may fill the cache; the second may hit it: both must equal the database.
                var (get, list, lastList) = Cached(cached);
                var (trueGet, trueList, trueLastList) = Truth(plain);
                Assert.True(trueGet == get, $"{when}: cached get {get} but the database has {trueGet}");
                Assert.True(trueList.SequenceEqual(list), $"{when}: cached list [{string.Join(",", list)}] but the database has [{string.Join(",", trueList)}]");
                Assert.True(trueLastList.SequenceEqual(lastList), $"{when}: cached ids [{string.Join(",", lastList)}] but the database has [{string.Join(",", trueLastList)}]");
            }

            return Truth(plain).Get?.EndsWith("/w", StringComparison.Ordinal) == true;
        });

        public string? TrueTitle(int id) => OnAnotherThread(() =>
        {
            using var plain = new DataConnection(life.Plain);
            return plain.GetTable<EPhoto>().Where(p => p.Id == id).Select(p => p.Title).FirstOrDefault();
        });

        private (string? Get, List<int> List, List<int> All) Cached(DataConnection db)
        {
            var table = db.GetTable<EPhoto>().AsCacheBot();
            var row = table.FirstOrDefault(p => p.Id == target);
            var list = table.Cache().Where(p => p.Status == 2).Select(p => p.Id).ToList();
            var all = table.Cache().Where(p => p.UserId == 1).Select(p => p.Id).ToList();
            return (Show(row), [.. list.Order()], [.. all.Order()]);
        }

        private (string? Get, List<int> List, List<int> All) Truth(DataConnection db)
        {
            var table = db.GetTable<EPhoto>();
            var row = table.FirstOrDefault(p => p.Id == target);
            var list = table.Where(p => p.Status == 2).Select(p => p.Id).ToList();
            var all = table.Where(p => p.UserId == 1).Select(p => p.Id).ToList();
            return (Show(row), [.. list.Order()], [.. all.Order()]);
        }

        private static string? Show(EPhoto? row) => row is null ? null : row.Status + "/" + row.Title;

        private static T OnAnotherThread<T>(Func<T> read) => Task.Factory.StartNew(
            () =>
            {
                using var suppress = new TransactionScope(TransactionScopeOption.Suppress);
                return read();
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).GetAwaiter().GetResult();

        private static void OnAnotherThread(Action read) => OnAnotherThread(() =>
        {
            read();
            return 0;
        });
    }
}

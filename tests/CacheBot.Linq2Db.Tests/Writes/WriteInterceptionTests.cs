using CacheBot.Linq.Providers;
using CacheBot.Linq;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Mapping;
using Microsoft.Data.Sqlite;

using CacheBot.Linq2Db.Tests.Infrastructure;

namespace CacheBot.Linq2Db.Tests.Writes;

public sealed class SqliteWriteInterceptionTests : WriteInterceptionTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("writes");

    protected override string UnknownExtentWrite => "PRAGMA user_version = 7";

    protected override bool EnlistsInTransactionScope => false;
}

public sealed class PostgresWriteInterceptionTests : WriteInterceptionTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbw");

    protected override bool EnlistsInTransactionScope => true;

    protected override string UnknownExtentWrite => "DO $$ BEGIN UPDATE \"WPhoto\" SET \"Title\" = 'a' WHERE \"Id\" = 1; END $$";
}

/// <summary>
/// Write interception measured at the stamp level (independent of the read side): a write through a connection
/// configured with UseCacheBot must replace exactly the stamps of the keys its old and new rows hit, after commit.
/// </summary>
public abstract class WriteInterceptionTests : IDisposable
{
    private IsolatedDatabase? _database;
    private readonly QueryCache _cache = new(new QueryCacheOptions());
    private DataOptions? _options;

    public void Dispose()
    {
        _cache.Dispose();
        _database?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract IsolatedDatabase CreateDatabase();

    /// <summary>A statement that writes rows CacheBot cannot name.</summary>
    protected abstract string UnknownExtentWrite { get; }

    /// <summary>Whether the provider enlists a connection opened inside a TransactionScope.</summary>
    protected abstract bool EnlistsInTransactionScope { get; }

    private DataConnection Open()
    {
        if (_options is null)
        {
            _database = CreateDatabase();
            _options = _database.Options.UseCacheBot(_cache);
            using var setup = new DataConnection(_options);
            setup.CreateTable<WPhoto>();
            for (var i = 1; i <= 6; i++)
            {
                setup.Insert(new WPhoto { Id = i, UserId = i % 2, Status = 1, Title = "t" + i });
            }
        }

        return new DataConnection(_options);
    }

    [Fact]
    public void Update_ChangingUnconstrainedColumn_KeepsOtherTupleStampsAndBumpsRowTuple()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var hit = Stamp(scheme, 1, 1);
        var miss = Stamp(scheme, 1, 2);

        db.Update(new WPhoto { Id = 1, UserId = 1, Status = 1, Title = "renamed" });

        Assert.NotEqual(hit, Stamp(scheme, 1, 1));
        Assert.Equal(miss, Stamp(scheme, 1, 2));
    }

    [Fact]
    public void Update_MovingRowIntoTuple_BumpsOldAndNewTuples()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var oldTuple = Stamp(scheme, 1, 1);
        var newTuple = Stamp(scheme, 1, 2);
        var other = Stamp(scheme, 0, 2);

        db.GetTable<WPhoto>().Where(p => p.Id == 3).Set(p => p.Status, 2).Update();

        Assert.NotEqual(oldTuple, Stamp(scheme, 1, 1));
        Assert.NotEqual(newTuple, Stamp(scheme, 1, 2));
        Assert.Equal(other, Stamp(scheme, 0, 2));
    }

    [Fact]
    public void Transaction_StampsChangeOnlyAfterCommit_AndNotOnRollback()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var before = Stamp(scheme, 0, 1);

        using (var tx = db.BeginTransaction())
        {
            db.Delete(new WPhoto { Id = 2 });
            Assert.Equal(before, Stamp(scheme, 0, 1));
            tx.Rollback();
        }

        Assert.Equal(before, Stamp(scheme, 0, 1));
        Assert.Equal(6, db.GetTable<WPhoto>().Count());

        using (var tx = db.BeginTransaction())
        {
            db.Delete(new WPhoto { Id = 2 });
            Assert.Equal(before, Stamp(scheme, 0, 1));
            tx.Commit();
        }

        Assert.NotEqual(before, Stamp(scheme, 0, 1));
    }

    [Fact]
    public async Task InsertAsync_NewRow_BumpsItsTuple()
    {
        await using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var target = Stamp(scheme, 7, 3);
        var other = Stamp(scheme, 1, 1);

        await db.InsertAsync(new WPhoto { Id = 50, UserId = 7, Status = 3, Title = "new" }, token: TestContext.Current.CancellationToken);

        Assert.NotEqual(target, Stamp(scheme, 7, 3));
        Assert.Equal(other, Stamp(scheme, 1, 1));
    }

    [Fact]
    public void InsertWithIdentity_NewRow_BumpsItsTupleAndReturnsTheKey()
    {
        using var db = Open();
        db.CreateTable<WAlbum>();
        var table = new ClrEntityModel(DatabaseId(db)).GetTable(typeof(WAlbum))!;
        var scheme = _cache.Schemes.Register(table, table.Columns.Where(c => c.Name == "OwnerId").ToArray());
        Assert.True(DependencyKeys.TryForTuple(scheme, [42], out var key));
        Assert.True(DependencyKeys.TryForTuple(scheme, [43], out var otherKey));
        var (stamp, other) = (_cache.Stamps.Read(key), _cache.Stamps.Read(otherKey));

        var id = db.InsertWithInt32Identity(new WAlbum { OwnerId = 42, Name = "a" });
        var second = db.InsertWithInt32Identity(new WAlbum { OwnerId = 42, Name = "b" });

        Assert.True(second > id);
        Assert.NotEqual(stamp, _cache.Stamps.Read(key));
        Assert.Equal(other, _cache.Stamps.Read(otherKey));
        Assert.Equal("b", db.GetTable<WAlbum>().Single(a => a.Id == second).Name);
    }

    [Fact]
    public void RawSql_StatementOfUnknownExtent_BumpsDatabaseEpoch()
    {
        using var db = Open();
        var epoch = _cache.Stamps.Read(DependencyKeys.DatabaseEpoch(DatabaseId(db)));

        db.Execute(UnknownExtentWrite);

        Assert.NotEqual(epoch, _cache.Stamps.Read(DependencyKeys.DatabaseEpoch(DatabaseId(db))));
    }

    [Fact]
    public void RawSql_TwoUpdatesInOneCommand_InvalidateBothTablesRows()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var table = _cache.Stamps.Read(DependencyKeys.TableEpoch(scheme.Table));

        db.Execute("UPDATE \"WPhoto\" SET \"Title\" = 'a' WHERE \"Id\" = 1; UPDATE \"WPhoto\" SET \"Title\" = 'b' WHERE \"Id\" = 2");

        Assert.NotEqual(table, _cache.Stamps.Read(DependencyKeys.TableEpoch(scheme.Table)));
        Assert.Equal(["a", "b"], db.GetTable<WPhoto>().Where(p => p.Id <= 2).OrderBy(p => p.Id).Select(p => p.Title).ToList());
    }

    [Fact]
    public void BulkCopy_EveryType_InvalidatesAfterTheCopy()
    {
        foreach (var type in new[] { BulkCopyType.RowByRow, BulkCopyType.MultipleRows, BulkCopyType.ProviderSpecific, BulkCopyType.Default })
        {
            using var db = Open();
            var (scheme, _) = RegisterUserStatus(db);
            var before = EntryStamps(db, scheme, 9, (int)type + 10);
            var id = 100 + ((int)type * 10);
            db.BulkCopy(new BulkCopyOptions { BulkCopyType = type }, [new WPhoto { Id = id, UserId = 9, Status = (int)type + 10, Title = "bulk" }]);
            Assert.NotEqual(before, EntryStamps(db, scheme, 9, (int)type + 10));
        }
    }

    [Fact]
    public void TransactionScope_WriteInsideScope_AppliesWhenScopeCompletes()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var tuple = Stamp(scheme, 1, 1);
        using (var scope = new System.Transactions.TransactionScope())
        {
            db.Update(new WPhoto { Id = 5, UserId = 1, Status = 1, Title = "scoped" });

            // Npgsql enlists (the write waits for the scope); Microsoft.Data.Sqlite does not (the write committed at once).
            Assert.Equal(EnlistsInTransactionScope, tuple == Stamp(scheme, 1, 1));
            scope.Complete();
        }

        Assert.NotEqual(tuple, Stamp(scheme, 1, 1));
    }

    [Fact]
    public void RawSql_LowerCaseTableName_StillHitsTheMappedTable()
    {
        using var db = Open();
        var (scheme, _) = RegisterUserStatus(db);
        var tuple = Stamp(scheme, 0, 1);

        db.Execute("update \"WPhoto\" set \"Title\" = 'lower' where \"Id\" = 4");

        Assert.NotEqual(tuple, Stamp(scheme, 0, 1));
    }

    private (Scheme Scheme, TableModel Table) RegisterUserStatus(DataConnection db)
    {
        var table = new ClrEntityModel(DatabaseId(db)).GetTable(typeof(WPhoto))!;
        var columns = table.Columns.Where(c => c.Name is "UserId" or "Status").OrderBy(c => c.Ordinal).ToArray();
        return (_cache.Schemes.Register(table, columns), table);
    }

    /// <summary>Every stamp an entry depending on (userId, status) would hold: tuple, table epoch, database epoch.</summary>
    private (long Tuple, long Table, long Database) EntryStamps(DataConnection db, Scheme scheme, int userId, int status) =>
        (Stamp(scheme, userId, status), _cache.Stamps.Read(DependencyKeys.TableEpoch(scheme.Table)),
            _cache.Stamps.Read(DependencyKeys.DatabaseEpoch(DatabaseId(db))));

    private long Stamp(Scheme scheme, int userId, int status)
    {
        Assert.True(DependencyKeys.TryForTuple(scheme, [userId, status], out var key));
        return _cache.Stamps.Read(key);
    }

    private static string DatabaseId(DataConnection db) => ((IDataContext)db).Options.Find<CacheBotOptionSet>()!.DatabaseId;
}

[LinqToDB.Mapping.Table("WPhoto")]
public sealed class WPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column]
    public string Title { get; set; } = "";
}

[LinqToDB.Mapping.Table("WAlbum")]
public sealed class WAlbum
{
    [PrimaryKey]
    [Identity]
    public int Id { get; set; }

    [Column]
    public int OwnerId { get; set; }

    [Column]
    public string Name { get; set; } = "";
}

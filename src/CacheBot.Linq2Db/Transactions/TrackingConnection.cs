using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Wraps the provider's connection so CacheBot sees every transaction's commit and rollback, whoever drives it
/// (linq2db's <c>BeginTransaction</c>, a <c>DataContext</c>, or user code on the raw connection). Writes recorded while
/// a transaction is open are held in <see cref="PendingWrites"/> and committed through <see cref="CommitProtocol"/> (dropped on rollback).
/// </summary>
/// <remarks>
/// Provider code that needs the real connection gets it through <see cref="CacheBotUnwrapInterceptor"/>. Not thread-safe
/// beyond what the inner connection is (a connection is used by one caller at a time).
/// </remarks>
internal sealed class TrackingConnection : DbConnection
{
    private bool _afterProviderSpecificWrite;

    public TrackingConnection(DbConnection inner, CacheBotOptionSet options)
    {
        Inner = inner;
        Options = options;
    }

    public DbConnection Inner { get; }

    public CacheBotOptionSet Options { get; }

    /// <summary>Gets the open transaction started through this connection, if any.</summary>
    public TrackingTransaction? CurrentTransaction { get; private set; }

    public PendingWrites PendingWrites { get; } = new();

    /// <summary>Gets or sets whether a transaction was opened with SQL text (<c>BEGIN</c>) rather than the ADO.NET API.</summary>
    public bool SqlTransactionOpen { get; set; }

    /// <summary>Gets whether writes on this connection must wait for a commit (and reads bypass the cache).</summary>
    public bool IsInTransaction => CurrentTransaction is not null || SqlTransactionOpen;

    /// <summary>A transaction opened with SQL text ended (<c>COMMIT</c>, <c>END</c>, <c>ROLLBACK</c>); its writes were applied by the caller.</summary>
    internal void SqlTransactionEnded() => SqlTransactionOpen = false;

    [AllowNull]
    public override string ConnectionString
    {
        get => Inner.ConnectionString;
        set => Inner.ConnectionString = value;
    }

    public override string Database => Inner.Database;

    public override string DataSource => Inner.DataSource;

    public override string ServerVersion => Inner.ServerVersion;

    public override ConnectionState State => Inner.State;

    public override void ChangeDatabase(string databaseName) => Inner.ChangeDatabase(databaseName);

    public override void Close()
    {
        FlushProviderSpecificWrite();
        Inner.Close();
    }

    public override void Open() => Inner.Open();

    public override Task OpenAsync(CancellationToken cancellationToken) => Inner.OpenAsync(cancellationToken);

    public override Task CloseAsync()
    {
        FlushProviderSpecificWrite();
        return Inner.CloseAsync();
    }

    public override void EnlistTransaction(System.Transactions.Transaction? transaction) => Inner.EnlistTransaction(transaction);

    public override async ValueTask DisposeAsync()
    {
        FlushProviderSpecificWrite();
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A provider-specific operation (bulk copy without commands) is about to write unknown rows: invalidate the whole
    /// database now (before) and again at the connection's next command, transaction end or close (after), or only
    /// after the commit when a transaction is open.
    /// </summary>
    internal void ProviderSpecificWriteStarting()
    {
        var write = WriteRecord.ForDatabase(Options.DatabaseId);
        if (CurrentTransaction is not null)
        {
            PendingWrites.Add(write);
            return;
        }

        CommitProtocol.ApplyNow(Options.Cache!, [write]);
        _afterProviderSpecificWrite = true;
    }

    internal void TransactionEnded(TrackingTransaction transaction, bool committed)
    {
        FlushProviderSpecificWrite();
        if (ReferenceEquals(CurrentTransaction, transaction))
        {
            CurrentTransaction = null;
        }

        if (!committed)
        {
            PendingWrites.Clear();
        }
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
        CurrentTransaction = new TrackingTransaction(this, Inner.BeginTransaction(isolationLevel));

    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        CurrentTransaction = new TrackingTransaction(this, await Inner.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false));

    protected override DbCommand CreateDbCommand()
    {
        FlushProviderSpecificWrite();
        return new TrackingCommand(this, Inner.CreateCommand());
    }

    private void FlushProviderSpecificWrite()
    {
        if (_afterProviderSpecificWrite)
        {
            _afterProviderSpecificWrite = false;
            CommitProtocol.ApplyNow(Options.Cache!, [WriteRecord.ForDatabase(Options.DatabaseId)]);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            FlushProviderSpecificWrite();
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

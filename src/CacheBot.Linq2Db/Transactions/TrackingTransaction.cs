using System.Data;
using System.Data.Common;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Wraps the provider's transaction and reports its end to the connection's <see cref="TransactionTracker"/>: a commit or
/// rollback that succeeded, or one that threw (outcome unknown). Savepoint calls pass through; the pending writes are kept.
/// </summary>
internal sealed class TrackingTransaction : DbTransaction
{
    private readonly TrackingConnection _connection;

    public TrackingTransaction(TrackingConnection connection, DbTransaction inner)
    {
        _connection = connection;
        Inner = inner;
    }

    public DbTransaction Inner { get; }

    public TrackingConnection Owner => _connection;

    public override IsolationLevel IsolationLevel => Inner.IsolationLevel;

    public override bool SupportsSavepoints => Inner.SupportsSavepoints;

    protected override DbConnection DbConnection => _connection;

    public override void Commit()
    {
        _connection.ProviderSpecificWrite.End();
        // With a coordinator the held writes are announced first; if that fails the commit does not happen.
        SyncPath.Wait(_connection.Transactions.AnnouncePendingAsync(this, async: false, CancellationToken.None));
        End(committed: true, static inner => inner.Commit());
    }

    public override void Rollback() => End(committed: false, static inner => inner.Rollback());

    public override async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        _connection.ProviderSpecificWrite.End();
        await _connection.Transactions.AnnouncePendingAsync(this, async: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await Inner.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _connection.Transactions.ApiFailed(this);
            throw;
        }

        _connection.Transactions.ApiCompleted(this, committed: true);
    }

    public override async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Inner.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _connection.Transactions.ApiFailed(this);
            throw;
        }

        _connection.Transactions.ApiCompleted(this, committed: false);
    }

    public override void Save(string savepointName) => Inner.Save(savepointName);

    public override void Rollback(string savepointName) => Inner.Rollback(savepointName);

    public override void Release(string savepointName) => Inner.Release(savepointName);

    public override Task SaveAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.SaveAsync(savepointName, cancellationToken);

    public override Task RollbackAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.RollbackAsync(savepointName, cancellationToken);

    public override Task ReleaseAsync(string savepointName, CancellationToken cancellationToken = default) => Inner.ReleaseAsync(savepointName, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await Inner.DisposeAsync().ConfigureAwait(false);
        }
        catch
        {
            _connection.Transactions.ApiFailed(this);
            throw;
        }

        // Disposing without a commit rolls back (a no-op when the transaction already ended).
        _connection.Transactions.ApiCompleted(this, committed: false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            End(committed: false, static inner => inner.Dispose());
        }

        base.Dispose(disposing);
    }

    private void End(bool committed, Action<DbTransaction> action)
    {
        try
        {
            action(Inner);
        }
        catch
        {
            _connection.Transactions.ApiFailed(this);
            throw;
        }

        _connection.Transactions.ApiCompleted(this, committed);
    }
}

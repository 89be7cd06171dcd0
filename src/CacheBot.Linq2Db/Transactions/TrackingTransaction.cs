using System.Data;
using System.Data.Common;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Wraps the provider's transaction and reports its end (commit, rollback, or dispose without commit) exactly once.</summary>
internal sealed class TrackingTransaction : DbTransaction
{
    private readonly TrackingConnection _connection;
    private bool _ended;

    public TrackingTransaction(TrackingConnection connection, DbTransaction inner)
    {
        _connection = connection;
        Inner = inner;
    }

    public DbTransaction Inner { get; }

    public TrackingConnection Owner => _connection;

    public override IsolationLevel IsolationLevel => Inner.IsolationLevel;

    protected override DbConnection DbConnection => _connection;

    public override void Commit() =>
        SyncPath.Wait(CommitProtocol.CommitAsync(_connection.Options.Cache!, _connection.PendingWrites, CommitInnerAsync, async: false, CancellationToken.None));

    public override void Rollback()
    {
        Inner.Rollback();
        End(committed: false);
    }

    public override async Task CommitAsync(CancellationToken cancellationToken = default) =>
        await CommitProtocol.CommitAsync(_connection.Options.Cache!, _connection.PendingWrites, CommitInnerAsync, async: true, cancellationToken)
            .ConfigureAwait(false);

    public override async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        await Inner.RollbackAsync(cancellationToken).ConfigureAwait(false);
        End(committed: false);
    }

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        End(committed: false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
            End(committed: false);
        }

        base.Dispose(disposing);
    }

    private async ValueTask CommitInnerAsync(bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (async)
            {
                await Inner.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Inner.Commit();
            }
        }
        finally
        {
            End(committed: true);
        }
    }

    private void End(bool committed)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _connection.TransactionEnded(this, committed);
    }
}

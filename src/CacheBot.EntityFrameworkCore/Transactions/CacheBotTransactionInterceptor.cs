using System.Data.Common;
using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Transactions;

/// <summary>
/// Applies the writes of a context's transaction after it commits: announced in <c>TransactionCommitting</c> (an
/// announcement that fails stops the commit), applied in <c>TransactionCommitted</c> (or when the commit fails, since the
/// database may have committed), dropped on rollback.
/// </summary>
/// <remarks>
/// Savepoints are ignored: writes rolled back to a savepoint stay pending and are applied at the commit, which only
/// invalidates more. A transaction disposed without commit raises no event; its writes are dropped when the next
/// transaction starts (they were rolled back). One per context (scoped); a context runs one transaction at a time.
/// </remarks>
internal sealed class CacheBotTransactionInterceptor(CacheBotContextState state) : DbTransactionInterceptor
{
    private CacheCommit? _commit;
    private WriteRecord[] _committing = [];

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Started(external: false);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Started(external: false);
        return new(result);
    }

    public override DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        Started(external: true);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Started(external: true);
        return new(result);
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        _committing = state.Pending.Snapshot();
        _commit = _committing.Length == 0 ? null : state.Cache.BeginCommit(_committing);
        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        _committing = state.Pending.Snapshot();
        _commit = _committing.Length == 0 ? null : await state.Cache.BeginCommitAsync(_committing, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed();
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack();

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack();
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(eventData.Action);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Action);
        return Task.CompletedTask;
    }

    private void Started(bool external)
    {
        // Writes left from a transaction disposed without commit were rolled back.
        state.Pending.Clear();
        state.ExternalTransaction = external;
        _commit = null;
        _committing = [];
    }

    private void Committed()
    {
        state.SchemaChangeEnded();
        var writes = _committing;
        var commit = _commit;
        _commit = null;
        _committing = [];
        state.Pending.Remove(writes.Length);
        state.ExternalTransaction = false;
        state.RawTransaction = false;
        commit?.Complete(writes, committed: true);
    }

    private void RolledBack()
    {
        state.SchemaChangeEnded();
        state.Pending.Clear();
        state.ExternalTransaction = false;
        state.RawTransaction = false;
        _commit?.Complete([], committed: false);
        _commit = null;
        _committing = [];
    }

    private void Failed(string action)
    {
        state.SchemaChangeEnded();
        if (action.Contains("Commit", StringComparison.OrdinalIgnoreCase))
        {
            // The commit may have reached the database: invalidating is always safe.
            var writes = _committing.Length > 0 ? _committing : state.Pending.Snapshot();
            var commit = _commit;
            _commit = null;
            _committing = [];
            state.Pending.Clear();
            if (commit is not null)
            {
                commit.Complete(writes, committed: true);
            }
            else
            {
                WriteRouter.ApplyNow(state, writes);
            }
        }
        else if (action.Contains("Rollback", StringComparison.OrdinalIgnoreCase) && !action.Contains("Savepoint", StringComparison.OrdinalIgnoreCase))
        {
            // A failed rollback: the transaction is gone either way, but its writes may have committed (connection loss).
            WriteRouter.ApplyNow(state, state.Pending.Snapshot());
            state.Pending.Clear();
        }
    }
}

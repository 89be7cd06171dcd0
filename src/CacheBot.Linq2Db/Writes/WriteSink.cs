using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Decides when a write's invalidations apply: after the outermost commit of a tracked transaction (dropped on
/// rollback), or, in autocommit, through the commit protocol around the statement (announced before it runs, applied
/// after). Under an ambient <c>TransactionScope</c> that the connection may not have joined (Microsoft.Data.Sqlite never
/// enlists), writes are applied at once AND again when the scope completes, whatever its outcome.
/// </summary>
internal static class WriteSink
{
    /// <summary>
    /// Before an autocommit statement runs: announces what it may write. Returns <see langword="null"/> when a transaction
    /// holds the statement's writes (they are announced at its commit).
    /// </summary>
    public static async ValueTask<CacheCommit?> BeginAsync(
        CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, IReadOnlyList<WriteRecord> intents, bool async,
        CancellationToken cancellationToken)
    {
        if (PendingOf(command, dataConnection) is not null)
        {
            return null;
        }

        return await CommitProtocol.BeginAsync(options.Cache!, intents, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the statement ran (or failed after it may have written): records its writes.</summary>
    public static async ValueTask RecordAsync(
        CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, CacheCommit? commit, List<WriteRecord> writes, bool async,
        CancellationToken cancellationToken)
    {
        if (commit is null)
        {
            if (PendingOf(command, dataConnection) is { } pending)
            {
                foreach (var write in writes)
                {
                    pending.Add(write);
                }

                return;
            }

            // The statement began in a transaction that ended while it ran: apply now.
            CommitProtocol.ApplyNow(options.Cache!, writes);
            return;
        }

        await CommitProtocol.CompleteAsync(commit, writes, committed: true, async, cancellationToken).ConfigureAwait(false);
        if (writes.Count > 0 && System.Transactions.Transaction.Current is { } ambient)
        {
            // The connection may or may not have joined the scope: what was applied now is applied again when it completes.
            var cache = options.Cache!;
            ambient.TransactionCompleted += (_, _) => CommitProtocol.ApplyNow(cache, writes);
        }
    }

    /// <summary>Records writes seen after the fact (a reader command that wrote): pending in a transaction, else applied now.</summary>
    public static void RecordObserved(CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, List<WriteRecord> writes)
    {
        if (PendingOf(command, dataConnection) is { } pending)
        {
            foreach (var write in writes)
            {
                pending.Add(write);
            }

            return;
        }

        CommitProtocol.ApplyNow(options.Cache!, writes);
    }

    /// <summary>The tracking connection a command runs on (the command may already be unwrapped to the provider's).</summary>
    public static TrackingConnection? TrackingConnectionOf(DbCommand command, DataConnection dataConnection) =>
        command.Connection as TrackingConnection ?? dataConnection.TryGetDbConnection() as TrackingConnection;

    /// <summary>The pending writes of the transaction the command runs in, or <see langword="null"/> in autocommit.</summary>
    /// <remarks>A transaction CacheBot cannot track (<c>UseTransaction</c> with an external <c>DbTransaction</c>) counts as autocommit: applied at once.</remarks>
    private static PendingWrites? PendingOf(DbCommand command, DataConnection dataConnection)
    {
        var transaction = command.Transaction ?? dataConnection.Transaction;
        if (transaction is TrackingTransaction tracked)
        {
            return tracked.Owner.PendingWrites;
        }

        return transaction is null && TrackingConnectionOf(command, dataConnection) is { SqlTransactionOpen: true } sqlTransaction
            ? sqlTransaction.PendingWrites
            : null;
    }
}

using System.Data.Common;
using LinqToDB.Data;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Decides when a write's invalidations apply: after the outermost commit of a tracked transaction (dropped on
/// rollback), when an ambient <c>TransactionScope</c> completes (whatever its outcome: some providers do not enlist,
/// so an aborted scope may still have written), or at once when no transaction is open.
/// </summary>
internal static class WriteSink
{
    public static void Record(CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, List<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        var cache = options.Cache!;
        var transaction = command.Transaction ?? dataConnection.Transaction;
        if (transaction is TrackingTransaction tracked)
        {
            foreach (var write in writes)
            {
                tracked.Owner.PendingWrites.Add(write);
            }

            return;
        }

        if (transaction is null && TrackingConnectionOf(command, dataConnection) is { SqlTransactionOpen: true } sqlTransaction)
        {
            foreach (var write in writes)
            {
                sqlTransaction.PendingWrites.Add(write);
            }

            return;
        }

        if (transaction is null && System.Transactions.Transaction.Current is { } ambient)
        {
            ambient.TransactionCompleted += (_, _) => cache.ApplyCommitted(writes);
            return;
        }

        // No transaction, or one CacheBot cannot track (UseTransaction with an external DbTransaction): apply now.
        cache.ApplyCommitted(writes);
    }

    /// <summary>The tracking connection a command runs on (the command may already be unwrapped to the provider's).</summary>
    public static TrackingConnection? TrackingConnectionOf(DbCommand command, DataConnection dataConnection) =>
        command.Connection as TrackingConnection ?? dataConnection.TryGetDbConnection() as TrackingConnection;
}

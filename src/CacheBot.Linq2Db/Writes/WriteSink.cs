using System.Data.Common;
using LinqToDB.Data;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Hands a command's writes to its connection's <see cref="TransactionTracker"/>, which applies them after the
/// outermost commit (dropped on rollback), at once in autocommit, or both when the state is unknown; under an ambient
/// <c>TransactionScope</c>, at once and again when the scope completes.
/// </summary>
internal static class WriteSink
{
    public static void Record(CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, List<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        if (TrackingConnectionOf(command, dataConnection) is { } connection)
        {
            connection.Transactions.Record(writes);
            return;
        }

        // Not reached through linq2db (every command on a connection CacheBot does not wrap is refused when it is initialized:
        // UserOwnedConnections); kept sound anyway: apply now, and at the end of an ambient scope.
        var cache = options.Cache!;
        cache.ApplyCommitted(writes);
        if (System.Transactions.Transaction.Current is { } ambient)
        {
            ambient.TransactionCompleted += (_, _) => cache.ApplyCommitted(writes);
        }
    }

    /// <summary>The tracking connection a command runs on (the command may already be unwrapped to the provider's).</summary>
    public static TrackingConnection? TrackingConnectionOf(DbCommand command, DataConnection dataConnection) =>
        command.Connection as TrackingConnection ?? dataConnection.TryGetDbConnection() as TrackingConnection;
}

using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Refuses data contexts whose connection CacheBot does not wrap: a connection or transaction the application owns
/// (<c>UseConnection</c>/<c>UseTransaction</c>, before or after <c>UseCacheBot</c>) or a connection factory that replaced
/// CacheBot's. CacheBot cannot see when such a transaction commits or rolls back (the application can begin, commit or
/// close it behind linq2db's back), so it could apply a write before its commit, where a concurrent reader would cache the
/// old value for good, or queue it for a commit that never comes. Rather than serve stale answers it refuses the
/// combination: at configuration time when <c>UseCacheBot</c> comes second, at the first command or <c>AsCacheBot()</c>
/// otherwise.
/// </summary>
internal static class UserOwnedConnections
{
    /// <summary>The options name an existing connection or transaction: UseCacheBot cannot wrap it.</summary>
    public static void ThrowIfUserOwned(DataOptions options, bool configuring)
    {
        var connection = options.ConnectionOptions;
        if (connection.DbTransaction is not null || connection.DbConnection is not null)
        {
            throw Refused(connection.DbTransaction is not null ? "an existing DbTransaction (UseTransaction)" : "an existing DbConnection (UseConnection)", configuring);
        }
    }

    /// <summary>A command is about to run on a data connection CacheBot does not track.</summary>
    public static void ThrowIfUntracked(DataConnection dataConnection)
    {
        ThrowIfUserOwned(dataConnection.Options, configuring: false);
        if (dataConnection.TryGetDbConnection() is { } connection && connection is not TrackingConnection)
        {
            throw Refused("a connection CacheBot did not create (a connection factory set after UseCacheBot replaced CacheBot's)", configuring: false);
        }
    }

    private static InvalidOperationException Refused(string what, bool configuring) => new(
        (configuring ? "UseCacheBot() was called on options that use " : "These DataOptions use UseCacheBot(cache) together with ")
        + what + ". CacheBot must wrap the connection to see every commit and rollback; on a connection or transaction the "
        + "application owns it could apply a write before its commit or wait for a commit that never comes, and serve stale "
        + "results, so this combination is refused. Give linq2db a connection string or a connection factory "
        + "(UseConnectionString/UseSQLite(cs)/UsePostgreSQL(cs)/UseConnectionFactory) before UseCacheBot(cache), and begin "
        + "transactions through the DataConnection (BeginTransaction, TransactionScope or SQL text).");
}

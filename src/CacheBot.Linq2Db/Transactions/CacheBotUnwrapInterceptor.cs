using System.Data.Common;
using LinqToDB;
using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Gives linq2db's provider code the real ADO.NET objects behind CacheBot's tracking wrappers.</summary>
internal sealed class CacheBotUnwrapInterceptor : UnwrapDataObjectInterceptor
{
    public static readonly CacheBotUnwrapInterceptor Instance = new();

    /// <remarks>
    /// linq2db asks for the raw connection only for provider-specific operations that bypass commands (PostgreSQL's
    /// binary COPY bulk copy); CacheBot treats that as a write of unknown extent (<see cref="ProviderSpecificWrite"/>).
    /// </remarks>
    public override DbConnection UnwrapConnection(IDataContext dataContext, DbConnection connection)
    {
        if (connection is not TrackingConnection tracking)
        {
            // A provider-specific write (binary COPY) on a connection CacheBot does not wrap would go unseen: refuse it.
            UserOwnedConnections.ThrowIfUserOwned(dataContext.Options, configuring: false);
            throw new InvalidOperationException(
                "UseCacheBot(cache) found a connection it did not create (a connection factory set after UseCacheBot replaced CacheBot's); " +
                "call UseConnectionFactory before UseCacheBot(cache) so CacheBot can wrap the connections it creates.");
        }

        tracking.ProviderSpecificWrite.Starting(dataContext);
        return tracking.Inner;
    }

    public override DbTransaction UnwrapTransaction(IDataContext dataContext, DbTransaction transaction) =>
        transaction is TrackingTransaction tracking ? tracking.Inner : transaction;

    public override DbCommand UnwrapCommand(IDataContext dataContext, DbCommand command) =>
        command is TrackingCommand tracking ? tracking.Inner : command;
}

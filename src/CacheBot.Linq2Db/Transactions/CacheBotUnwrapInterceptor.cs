using System.Data.Common;
using LinqToDB;
using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Gives linq2db's provider code the real ADO.NET objects behind CacheBot's tracking wrappers.</summary>
internal sealed class CacheBotUnwrapInterceptor : UnwrapDataObjectInterceptor
{
    public static readonly CacheBotUnwrapInterceptor Instance = new();

    public override DbConnection UnwrapConnection(IDataContext dataContext, DbConnection connection) =>
        connection is TrackingConnection tracking ? tracking.Inner : connection;

    public override DbTransaction UnwrapTransaction(IDataContext dataContext, DbTransaction transaction) =>
        transaction is TrackingTransaction tracking ? tracking.Inner : transaction;

    public override DbCommand UnwrapCommand(IDataContext dataContext, DbCommand command) =>
        command is TrackingCommand tracking ? tracking.Inner : command;
}

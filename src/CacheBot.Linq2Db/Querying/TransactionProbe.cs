using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq2Db.Transactions;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Querying;

/// <summary>Tells whether a linq2db data context has an explicit transaction open.</summary>
/// <remarks>
/// <para><see cref="DataConnection"/>: its <see cref="DataConnection.Transaction"/>, or a transaction the user began on the
/// raw connection (seen by CacheBot's tracking connection).</para>
/// <para><see cref="DataContext"/> exposes neither its connection nor its transaction: the probe reads its private
/// <c>_dataConnection</c> field (linq2db 6.5.1, pinned) through a compiled accessor. When that field is missing (another linq2db
/// version) or the context is of an unknown kind, the probe answers "in a transaction", which bypasses the cache: sound, and
/// visible in <c>Statistics.Bypasses</c>.</para>
/// </remarks>
internal static class TransactionProbe
{
    private static readonly Func<DataContext, DataConnection?>? DataContextConnection = CreateAccessor();

    public static bool IsInTransaction(IDataContext dataContext) => dataContext switch
    {
        DataConnection connection => IsInTransaction(connection),
        DataContext context => DataContextConnection is null || (DataContextConnection(context) is { } inner && IsInTransaction(inner)),
        _ => true,
    };

    private static bool IsInTransaction(DataConnection connection) =>
        connection.Transaction is not null || connection.TryGetDbConnection() is TrackingConnection { BypassReads: true };

    private static Func<DataContext, DataConnection?>? CreateAccessor()
    {
        var field = typeof(DataContext).GetField("_dataConnection", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field is null || field.FieldType != typeof(DataConnection))
        {
            return null;
        }

        var context = Expression.Parameter(typeof(DataContext), "context");
        return Expression.Lambda<Func<DataContext, DataConnection?>>(Expression.Field(context, field), context).Compile();
    }
}

using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;
using CacheBot.Linq2Db.Model;
using CacheBot.Linq2Db.Querying;
using LinqToDB;
using LinqToDB.Internal.Async;
using LinqToDB.Internal.Linq;

namespace CacheBot.Linq2Db;

/// <summary>
/// Entry point for linq2db queries: <c>db.GetTable&lt;Photo&gt;().AsCacheBot().Cache().Where(...).ToList()</c>. The cache is
/// found through the query's data context, configured with <see cref="CacheBotDataOptionsExtensions.UseCacheBot"/>.
/// </summary>
/// <remarks>Documentation: README.md "Quick start", docs/architecture.md "linq2db".</remarks>
public static class CacheBotLinq2DbExtensions
{
    /// <summary>
    /// Wraps a linq2db query (<c>db.GetTable&lt;T&gt;()</c>, an <c>ITable&lt;T&gt;</c> property, or any linq2db query, also after
    /// <c>TableName("x")</c>/<c>SchemaName("s")</c>) so its <c>Cache()</c> and "get" queries are cached in the cache of its data
    /// context. linq2db's extensions (<c>LoadWith</c>, <c>Set(...).Update()</c>, <c>Delete()</c>, <c>ToSqlQuery()</c>, async
    /// operators) keep working on the result.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A linq2db query.</param>
    /// <returns>A query typed <see cref="IQueryable{T}"/>; apply <c>TableName()</c>/<c>SchemaName()</c> before this call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="source"/> is not a linq2db query, or its data context was not configured with <c>UseCacheBot(cache)</c>, or its
    /// options also name a connection or transaction the application owns (<c>UseConnection</c>/<c>UseTransaction</c>).
    /// </exception>
    public static IQueryable<T> AsCacheBot<T>(this IQueryable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Provider is ICacheBotProvider { Context: Linq2DbQueryContext })
        {
            return source; // already wrapped (possibly under LoadWith)
        }

        if ((source as IExpressionQuery ?? source.Provider as IExpressionQuery) is not { } linq2dbQuery
            || source.Provider is not IQueryProviderAsync provider)
        {
            throw new InvalidOperationException(
                $"AsCacheBot() was called on a query that linq2db does not provide (its provider is {source.Provider.GetType().Name}). " +
                "It wraps linq2db queries such as db.GetTable<T>() or a query built on one; call it on the linq2db source, " +
                "or use AsCacheBot(cache) from CacheBot.Linq for other LINQ providers.");
        }

        var dataContext = linq2dbQuery.DataContext;
        var set = dataContext.Options.Find<CacheBotOptionSet>();
        if (set?.Cache is null)
        {
            throw new InvalidOperationException(
                $"AsCacheBot() found no CacheBot cache on the data context ({dataContext.GetType().Name}): its options were not " +
                "configured with UseCacheBot(cache). Build the context from options such as " +
                "new DataOptions().UseSQLite(connectionString).UseCacheBot(cache).");
        }

        Transactions.UserOwnedConnections.ThrowIfUserOwned(dataContext.Options, configuring: false);
        var context = new Linq2DbQueryContext(set.Cache, provider, dataContext, set, Linq2DbEntityModel.For(dataContext, set));
        return context.CreateQueryable<T>(source.Expression);
    }
}

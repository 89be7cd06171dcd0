using System.Linq.Expressions;
using CacheBot.Linq.Providers;
using CacheBot.Linq;
using CacheBot.Linq.Querying;
using CacheBot.Linq2Db.Model;
using LinqToDB;
using LinqToDB.Internal.Async;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Querying;

/// <summary>
/// Runs CacheBot queries through linq2db: the inner provider is the linq2db query the user wrapped, the model comes from
/// its <see cref="MappingSchema"/>, and misses run with linq2db's real async I/O when called asynchronously.
/// </summary>
/// <remarks>
/// <para>Identity (hashed into every key): the database id (provider and connection string hash) and the mapping
/// configuration; never the object reference of a table or data context. A data context or mapping schema captured in a
/// query closure is keyed by its type only (<see cref="HashByTypeOnly"/>), so every connection of a database shares entries.</para>
/// <para>Query filters: the values the mapping's filters read from the data context (<c>db.TenantId</c>) are appended to every
/// key (<see cref="QueryFilterCatalog"/>), so contexts of different tenants never share an entry.</para>
/// <para>Writes: every linq2db operator that is not a read (<c>Update</c>, <c>Delete</c>, <c>Insert</c>, ...) reaches
/// <see cref="ExecuteNonQueryExpression{TResult}"/>, never the cache.</para>
/// </remarks>
internal sealed class Linq2DbQueryContext : CacheBotQueryContext
{
    private readonly QueryFilterCatalog? _filters;

    public Linq2DbQueryContext(QueryCache cache, IQueryProviderAsync inner, IDataContext dataContext, CacheBotOptionSet options, Linq2DbEntityModel model)
        : base(cache, inner, model, Linq2DbDialect.Instance)
    {
        InnerAsync = inner;
        DataContext = dataContext;
        Options = options;
        var filters = QueryFilterCatalog.For(model, dataContext.MappingSchema);
        _filters = filters.HasValues ? filters : null;
    }

    /// <summary>Gets the linq2db provider of the wrapped query.</summary>
    public IQueryProviderAsync InnerAsync { get; }

    /// <summary>Gets the data context the wrapped query runs on.</summary>
    public IDataContext DataContext { get; }

    /// <summary>Gets CacheBot's settings of the data context.</summary>
    public CacheBotOptionSet Options { get; }

    /// <inheritdoc/>
    public override bool IsInTransaction => ReadsBypass(DataContext, Options);

    /// <summary>Returns whether reads on <paramref name="dataContext"/> must bypass the cache now (a transaction, a closed read gate).</summary>
    public static bool ReadsBypass(IDataContext dataContext, CacheBotOptionSet options) =>
        System.Transactions.Transaction.Current is not null || options.ReadGate.IsClosed || TransactionProbe.IsInTransaction(dataContext);

    /// <summary>Returns whether <paramref name="expression"/> is a linq2db operator (DML such as <c>Update</c>, <c>Delete</c>, <c>Insert</c>) rather than a read.</summary>
    public static bool IsLinq2DbOperation(Expression expression) =>
        expression is MethodCallExpression call && call.Method.DeclaringType is { } type && type.Assembly == typeof(LinqExtensions).Assembly;

    /// <inheritdoc/>
    public override IQueryable<T> CreateQueryable<T>(Expression expression) => new Linq2DbCacheBotQueryable<T>(this, expression);

    /// <inheritdoc/>
    public override bool HashByTypeOnly(Type type) => typeof(IDataContext).IsAssignableFrom(type) || typeof(MappingSchema).IsAssignableFrom(type);

    /// <summary>Appends the values the model's query filters read from this context's data context (its tenant, ...).</summary>
    public override KeyValues KeyValues => _filters is null ? default : new KeyValues(_filters.Readers, DataContext);

    /// <inheritdoc/>
    public override ValueTask<TResult> ExecuteInnerAsync<TResult>(Expression expression, bool async, CancellationToken cancellationToken)
    {
        var provider = ProviderFor(expression);
        return async ? new(provider.ExecuteAsync<TResult>(expression, cancellationToken)) : new(provider.Execute<TResult>(expression));
    }

    /// <inheritdoc/>
    public override ValueTask<List<T>> ExecuteInnerSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken) =>
        async ? ReadAllAsync<T>(expression, cancellationToken) : new(InnerAsync.CreateQuery<T>(expression).ToList());

    /// <summary>
    /// THE hook for writes issued through a wrapped query: runs a linq2db operator that is not a read (<c>Set(...).Update()</c>,
    /// <c>Update(x =&gt; new T { ... })</c>, <c>Delete()</c>, <c>Insert(...)</c>, <c>InsertOrUpdate</c>, ... and their async forms)
    /// on linq2db, uncached, with CacheBot's markers removed. The write side invalidates here.
    /// </summary>
    /// <typeparam name="TResult">The operator's result (usually the affected row count).</typeparam>
    /// <param name="expression">The operator call as linq2db built it, e.g. <c>LinqExtensions.Update&lt;T&gt;(source)</c>.</param>
    /// <param name="async">Whether to run with linq2db's async API.</param>
    /// <param name="cancellationToken">Cancels the async execution.</param>
    /// <returns>The operator's result.</returns>
    internal ValueTask<TResult> ExecuteNonQueryExpression<TResult>(Expression expression, bool async, CancellationToken cancellationToken)
    {
        var stripped = CacheBotQueryContext.RemoveMarkers(expression);
        var provider = ProviderFor(stripped);
        return async ? new(provider.ExecuteAsync<TResult>(stripped, cancellationToken)) : new(provider.Execute<TResult>(stripped));
    }

    /// <summary>
    /// Returns the linq2db provider plain linq2db would use for a terminal call: <see cref="Queryable"/>'s operators call
    /// <c>source.Provider.Execute</c>, and linq2db's provider of a query of <c>TElement</c> builds a <c>Query&lt;TElement&gt;</c>.
    /// The wrapped table's own provider is of the table's entity type, so after a projection (<c>Select(x =&gt; x.Name)
    /// .First()</c>) it would build the result mapper for the wrong type: run the call on a linq2db query of the source's
    /// element type instead, exactly as plain linq2db does.
    /// </summary>
    private IQueryProviderAsync ProviderFor(Expression expression)
    {
        if (expression is MethodCallExpression { Arguments.Count: > 0 } call
            && call.Arguments[0] is { } source
            && typeof(IQueryable).IsAssignableFrom(source.Type)
            && InnerAsync.CreateQuery(source) is IQueryProviderAsync provider)
        {
            return provider;
        }

        return InnerAsync;
    }

    private async ValueTask<List<T>> ReadAllAsync<T>(Expression expression, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        // linq2db's ExpressionQuery<TElement>.ExecuteAsyncEnumerable only runs queries of its own element type: build the
        // query of T first (projections and joins change the element type).
        var query = (IQueryProviderAsync)InnerAsync.CreateQuery<T>(expression);
        var sequence = await query.ExecuteAsyncEnumerable<T>(expression, cancellationToken).ConfigureAwait(false);
        await foreach (var item in sequence.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }
}

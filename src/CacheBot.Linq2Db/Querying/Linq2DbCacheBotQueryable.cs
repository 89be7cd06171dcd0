using System.Linq.Expressions;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;
using LinqToDB;
using LinqToDB.Internal.Async;
using LinqToDB.Internal.Linq;

namespace CacheBot.Linq2Db.Querying;

/// <summary>
/// A CacheBot query over linq2db. Besides the core's cached read path it is what linq2db's extensions expect of a
/// query: an <see cref="IQueryProviderAsync"/> (so <c>FirstAsync</c>, <c>CountAsync</c>, ... run truly async through the
/// cache) and an <see cref="IExpressionQuery"/> (so <c>ToSqlQuery()</c>, <c>DataContext</c> and the debug view work; they
/// describe the inner linq2db query built from the expression without CacheBot's markers).
/// </summary>
/// <remarks>
/// linq2db operators that are not reads (<c>Update</c>, <c>Delete</c>, <c>Insert</c>, ...) arrive at <see cref="Execute{TResult}"/>
/// or <see cref="ExecuteAsync{TResult}"/> as calls of linq2db methods and go to
/// <see cref="Linq2DbQueryContext.ExecuteNonQueryExpression{TResult}"/>, never through the cache. Typed
/// <see cref="IQueryable{T}"/> for users: the class is also <see cref="IAsyncEnumerable{T}"/>, which would make <c>.Where</c>
/// ambiguous on .NET 10.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class Linq2DbCacheBotQueryable<T> : CacheBotQueryable<T>, IQueryProviderAsync, IExpressionQuery
{
    private readonly Linq2DbQueryContext _context;

    public Linq2DbCacheBotQueryable(Linq2DbQueryContext context, Expression expression)
        : base(context, expression)
    {
        _context = context;
    }

    /// <inheritdoc/>
    public IDataContext DataContext => _context.DataContext;

    /// <inheritdoc/>
    public QueryDebugView DebugView => InnerQuery().DebugView;

    /// <inheritdoc/>
    public IReadOnlyList<QuerySql> GetSqlQueries(SqlGenerationOptions? options) => InnerQuery().GetSqlQueries(options);

    /// <inheritdoc/>
    public override TResult Execute<TResult>(Expression expression) =>
        Linq2DbQueryContext.IsLinq2DbOperation(expression)
            ? SyncPath.Result(_context.ExecuteNonQueryExpression<TResult>(expression, async: false, CancellationToken.None))
            : base.Execute<TResult>(expression);

    /// <inheritdoc/>
    public Task<TResult> ExecuteAsync<TResult>(Expression expression, CancellationToken cancellationToken) =>
        Linq2DbQueryContext.IsLinq2DbOperation(expression)
            ? _context.ExecuteNonQueryExpression<TResult>(expression, async: true, cancellationToken).AsTask()
            : _context.ExecuteCachedAsync<TResult>(expression, async: true, cancellationToken).AsTask();

    /// <inheritdoc/>
    public async Task<IAsyncEnumerable<TResult>> ExecuteAsyncEnumerable<TResult>(Expression expression, CancellationToken cancellationToken)
    {
        var list = await _context.ExecuteCachedSequenceAsync<TResult>(expression, async: true, cancellationToken).ConfigureAwait(false);
        return new ListAsyncEnumerable<TResult>(list);
    }

    private IExpressionQuery InnerQuery() => (IExpressionQuery)_context.InnerAsync.CreateQuery<T>(CacheBotQueryContext.RemoveMarkers(Expression));
}

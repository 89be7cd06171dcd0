using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// The wrapped query: both the <see cref="IQueryable{T}"/> and its provider (as linq2db's own queryable is), so provider
/// extensions that test the queryable object see a provider. Integrations derive from it to add the interfaces their ORM's
/// extension methods look for (linq2db's <c>IQueryProviderAsync</c>, EF Core's <c>IAsyncQueryProvider</c>).
/// </summary>
/// <remarks>
/// Hand it to users typed as <see cref="IQueryable{T}"/>: a static type that is also <see cref="IAsyncEnumerable{T}"/> makes
/// <c>.Where</c> ambiguous on .NET 10. Immutable.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public class CacheBotQueryable<T> : IOrderedQueryable<T>, IQueryProvider, ICacheBotQueryable, ICacheBotProvider, IAsyncEnumerable<T>
{
    private static readonly MethodInfo ExecuteGenericDefinition =
        typeof(CacheBotQueryable<T>).GetMethod(nameof(ExecuteGeneric), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static readonly MethodInfo CreateQueryableDefinition = typeof(CacheBotQueryContext).GetMethod(nameof(CacheBotQueryContext.CreateQueryable))!;

    /// <summary>Creates a wrapped query.</summary>
    /// <param name="context">The context it runs in.</param>
    /// <param name="expression">The query expression.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CacheBotQueryable(CacheBotQueryContext context, Expression expression)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(expression);
        Context = context;
        Expression = expression;
    }

    /// <inheritdoc/>
    public CacheBotQueryContext Context { get; }

    /// <inheritdoc cref="ICacheBotQueryable.Expression"/>
    public Expression Expression { get; }

    /// <inheritdoc/>
    public Type ElementType => typeof(T);

    /// <summary>
    /// Gets the provider of this query: the queryable itself by default. An integration whose ORM tests the provider's type
    /// (EF Core's operators test for its <c>EntityQueryProvider</c>) returns its own provider, which must implement
    /// <see cref="ICacheBotProvider"/> and route <c>CreateQuery</c>/<c>Execute</c> back through <see cref="Context"/>.
    /// </summary>
    public virtual IQueryProvider Provider => this;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() =>
        SyncPath.Result(Context.ExecuteCachedSequenceAsync<T>(Expression, async: false, CancellationToken.None)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var list = await Context.ExecuteCachedSequenceAsync<T>(Expression, async: true, cancellationToken).ConfigureAwait(false);
        foreach (var item in list)
        {
            yield return item;
        }
    }

    /// <inheritdoc/>
    public IQueryable CreateQuery(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var element = Analysis.TypeHelpers.GetSequenceElement(expression.Type) ?? expression.Type;
        return (IQueryable)CreateQueryableDefinition.MakeGenericMethod(element).Invoke(Context, [expression])!;
    }

    /// <inheritdoc/>
    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => Context.CreateQueryable<TElement>(expression);

    /// <inheritdoc/>
    public object? Execute(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return ExecuteGenericDefinition.MakeGenericMethod(expression.Type).Invoke(this, [expression]);
    }

    /// <inheritdoc/>
    public virtual TResult Execute<TResult>(Expression expression) =>
        SyncPath.Result(Context.ExecuteCachedAsync<TResult>(expression, async: false, CancellationToken.None));

    /// <inheritdoc/>
    public override string ToString() => "CacheBot query of " + typeof(T).Name;

    private TResult ExecuteGeneric<TResult>(Expression expression) => Execute<TResult>(expression);
}

using System.Collections;
using System.Linq.Expressions;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// The wrapped query: both the <see cref="IQueryable{T}"/> and its provider (as linq2db's own queryable is), so
/// provider extensions that test the queryable object see a provider. Users only ever see it typed as
/// <see cref="IQueryable{T}"/> (a static type that is also <see cref="IAsyncEnumerable{T}"/> makes <c>.Where</c> ambiguous on .NET 10).
/// </summary>
internal class CacheBotQueryable<T> : IOrderedQueryable<T>, IQueryProvider, ICacheBotQueryable, ICacheBotProvider, IAsyncEnumerable<T>
{
    public CacheBotQueryable(CacheBotQueryContext context, Expression expression)
    {
        Context = context;
        Expression = expression;
    }

    public CacheBotQueryContext Context { get; }

    public Expression Expression { get; }

    public Type ElementType => typeof(T);

    public IQueryProvider Provider => this;

    public IEnumerator<T> GetEnumerator() =>
        SyncPath.Result(CachedQueryRunner.ExecuteSequenceAsync<T>(Context, Expression, async: false, CancellationToken.None)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var list = await CachedQueryRunner.ExecuteSequenceAsync<T>(Context, Expression, async: true, cancellationToken).ConfigureAwait(false);
        foreach (var item in list)
        {
            yield return item;
        }
    }

    public IQueryable CreateQuery(Expression expression)
    {
        var element = Analysis.TypeHelpers.GetSequenceElement(expression.Type) ?? expression.Type;
        return (IQueryable)typeof(CacheBotQueryContext).GetMethod(nameof(CacheBotQueryContext.CreateQueryable))!
            .MakeGenericMethod(element).Invoke(Context, [expression])!;
    }

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => Context.CreateQueryable<TElement>(expression);

    public object? Execute(Expression expression) =>
        typeof(CacheBotQueryable<T>).GetMethod(nameof(ExecuteGeneric), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(expression.Type).Invoke(this, [expression]);

    public virtual TResult Execute<TResult>(Expression expression) =>
        SyncPath.Result(CachedQueryRunner.ExecuteScalarAsync<TResult>(Context, expression, async: false, CancellationToken.None));

    public override string ToString() => "CacheBot query of " + typeof(T).Name;

    private TResult ExecuteGeneric<TResult>(Expression expression) => Execute<TResult>(expression);
}

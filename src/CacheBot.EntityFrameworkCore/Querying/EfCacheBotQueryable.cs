using System.Collections;
using System.Linq.Expressions;
using CacheBot.Linq.Providers;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// A CacheBot query over EF Core. Its <see cref="Provider"/> derives from EF's <c>EntityQueryProvider</c>, so EF's operators
/// (<c>Include</c>, <c>AsNoTracking</c>, <c>AsSplitQuery</c>, <c>TagWith</c>, <c>IgnoreQueryFilters</c>, ...) apply to it, and
/// it is <see cref="IAsyncEnumerable{T}"/>, so <c>ToListAsync</c> and <c>AsAsyncEnumerable</c> run through the cache with real
/// async I/O on a miss.
/// </summary>
/// <remarks>
/// Enumeration re-implements <see cref="IEnumerable{T}"/> and <see cref="IAsyncEnumerable{T}"/> to route through the provider,
/// which sends tracking queries over entities past the cache (see <see cref="EfCacheBotProvider"/>). Typed
/// <see cref="IQueryable{T}"/> for users (a static type that is also <see cref="IAsyncEnumerable{T}"/> makes <c>.Where</c>
/// ambiguous on .NET 10).
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class EfCacheBotQueryable<T> : CacheBotQueryable<T>, IEnumerable<T>, IAsyncEnumerable<T>
{
    private readonly EfQueryContext _context;

    public EfCacheBotQueryable(EfQueryContext context, Expression expression)
        : base(context, expression)
    {
        _context = context;
    }

    /// <inheritdoc/>
    public override IQueryProvider Provider => _context.Provider;

    /// <inheritdoc/>
    public override TResult Execute<TResult>(Expression expression) => _context.Provider.Execute<TResult>(expression);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() =>
        SyncPath.Result(_context.Provider.ReadSequenceAsync<T>(Expression, async: false, CancellationToken.None)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<T>)this).GetEnumerator();

    async IAsyncEnumerator<T> IAsyncEnumerable<T>.GetAsyncEnumerator(CancellationToken cancellationToken)
    {
        var list = await _context.Provider.ReadSequenceAsync<T>(Expression, async: true, cancellationToken).ConfigureAwait(false);
        foreach (var item in list)
        {
            yield return item;
        }
    }
}

using System.Linq.Expressions;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq;

/// <summary>
/// <c>Explain()</c>: why a query is (not) cached and what invalidates it, without running it. Works on every query
/// wrapped by CacheBot (linq2db's <c>AsCacheBot()</c>, LINQ-to-Objects, other integrations), and answers for any other
/// query that it is not wrapped.
/// </summary>
/// <example>
/// <code>
/// CacheExplanation e = photos.Cache().Where(p =&gt; p.UserId == uid &amp;&amp; p.Status == 2).Explain();
/// Console.WriteLine(e);                                        // shape, decision, reason, dependencies, time to live
/// var get = photos.Explain(q =&gt; q.First(p =&gt; p.Id == 7));  // a terminal-shaped query
/// </code>
/// </example>
/// <remarks>Documentation: README.md "Observability".</remarks>
public static class CacheBotExplainExtensions
{
    /// <summary>Explains the query as a sequence (what <c>ToList()</c> or enumeration would do).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The query.</param>
    /// <returns>The decision the read path would make now, its reason, the dependencies and the time to live.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public static CacheExplanation Explain<T>(this IQueryable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Explainer.Explain(source.Provider, source.Expression, sequence: true, typeof(T[]));
    }

    /// <summary>
    /// Explains a terminal-shaped query: <c>photos.Explain(q =&gt; q.First(p =&gt; p.Id == 7))</c>, <c>q =&gt; q.Count()</c>,
    /// <c>q =&gt; q.Where(...).ToList()</c>. Async twins (<c>FirstAsync</c>, <c>ToListAsync</c>) are explained as the
    /// operators they run.
    /// </summary>
    /// <typeparam name="T">The element type of the source.</typeparam>
    /// <typeparam name="TResult">The result type of the terminal.</typeparam>
    /// <param name="source">The query the terminal applies to.</param>
    /// <param name="query">The terminal, written over its parameter (never run).</param>
    /// <returns>The decision the read path would make now, its reason, the dependencies and the time to live.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="query"/> is <see langword="null"/>.</exception>
    public static CacheExplanation Explain<T, TResult>(this IQueryable<T> source, Expression<Func<IQueryable<T>, TResult>> query)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(query);
        return Explainer.ExplainTerminal(source, query);
    }
}

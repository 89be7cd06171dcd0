using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq;

/// <summary>
/// Entry points: <see cref="AsCacheBot{T}(IQueryable{T}, QueryCache, string?)"/> wraps any LINQ query; <c>Cache(...)</c>
/// opts a query into caching (optionally narrowing its invalidation paths); <see cref="NoCache{T}"/> opts out.
/// </summary>
/// <remarks>Documentation: README.md "Quick start", docs/invalidation.md.</remarks>
public static class CacheBotQueryableExtensions
{
    private static readonly MethodInfo CacheMarkerDefinition =
        typeof(CacheBotQueryableExtensions).GetMethod(QueryMarkers.CacheMarkerName, BindingFlags.NonPublic | BindingFlags.Static)!;

    // Expression nodes are immutable: the arguments of a plain Cache() are shared by every call (no allocation, no boxing).
    private static readonly ConstantExpression NoPaths = Expression.Constant(null, typeof(string));
    private static readonly ConstantExpression DefaultTimeToLive = Expression.Constant(0L);
    private static readonly ConstantExpression SharedFalse = Expression.Constant(false);
    private static readonly ConstantExpression SharedTrue = Expression.Constant(true);

    private static readonly MethodInfo NoCacheMarkerDefinition =
        typeof(CacheBotQueryableExtensions).GetMethod(QueryMarkers.NoCacheMarkerName, BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Wraps <paramref name="source"/> (any <see cref="IQueryable{T}"/>, e.g. LINQ-to-Objects) so its queries can be cached in <paramref name="cache"/>.
    /// </summary>
    /// <typeparam name="T">The element type; its table is described by the cache's entity model.</typeparam>
    /// <param name="source">The query to wrap.</param>
    /// <param name="cache">The cache that holds results and version stamps.</param>
    /// <param name="database">
    /// The logical database the source belongs to: tables of one database share invalidation; sources of
    /// different databases never share results. Defaults to <c>"default"</c>.
    /// </param>
    /// <returns>A query typed <see cref="IQueryable{T}"/> that caches <c>Cache()</c> and "get" queries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    public static IQueryable<T> AsCacheBot<T>(this IQueryable<T> source, QueryCache cache, string? database = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cache);
        if (source is CacheBotQueryable<T> existing && ReferenceEquals(existing.Context.Cache, cache))
        {
            return existing;
        }

        var context = new CacheBotQueryContext(cache, source.Provider, database ?? "default");
        return context.CreateQueryable<T>(source.Expression);
    }

    /// <summary>Caches this query; invalidation uses every constraint the query states (the most precise dependencies).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A query created by <c>AsCacheBot()</c>.</param>
    /// <returns>The same query, marked for caching.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is not a CacheBot query.</exception>
    public static IQueryable<T> Cache<T>(this IQueryable<T> source) => ApplyCache(source, null, null);

    /// <summary>Caches this query with per-query options (time to live, shared results).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A query created by <c>AsCacheBot()</c>.</param>
    /// <param name="options">The per-query options.</param>
    /// <returns>The same query, marked for caching.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is not a CacheBot query.</exception>
    public static IQueryable<T> Cache<T>(this IQueryable<T> source, CacheQueryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ApplyCache(source, null, options);
    }

    /// <summary>
    /// Caches this query and restricts invalidation to the given member paths (django-cachebot's <c>cache('user')</c>):
    /// only constraints on these paths form dependencies, so writes are cheaper and invalidation coarser, never unsound.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A query created by <c>AsCacheBot()</c>.</param>
    /// <param name="paths">Member paths such as <c>p =&gt; p.User</c> or <c>p =&gt; p.Message.Sender</c>.</param>
    /// <returns>The same query, marked for caching.</returns>
    /// <exception cref="ArgumentException">A path is not a chain of members of <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is not a CacheBot query.</exception>
    public static IQueryable<T> Cache<T>(this IQueryable<T> source, params Expression<Func<T, object?>>[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = new string[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            names[i] = CachePaths.FromLambda(paths[i], typeof(T));
        }

        return ApplyCache(source, names, null);
    }

    /// <summary>
    /// Caches this query and restricts invalidation to the given dotted member paths, e.g. <c>"User"</c> or
    /// <c>"Message.Sender"</c> (parsed with System.Linq.Dynamic.Core).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A query created by <c>AsCacheBot()</c>.</param>
    /// <param name="paths">Dotted member paths of <typeparamref name="T"/>.</param>
    /// <returns>The same query, marked for caching.</returns>
    /// <exception cref="ArgumentException">A path does not name members of <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is not a CacheBot query.</exception>
    public static IQueryable<T> Cache<T>(this IQueryable<T> source, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = new string[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            names[i] = CachePaths.FromString(paths[i], typeof(T));
        }

        return ApplyCache(source, names, null);
    }

    /// <summary>Never caches this query, even when it is a "get" query and <see cref="QueryCacheOptions.CacheGet"/> is on.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">A query created by <c>AsCacheBot()</c>.</param>
    /// <returns>The same query, marked as never cached.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is not a CacheBot query.</exception>
    public static IQueryable<T> NoCache<T>(this IQueryable<T> source)
    {
        var provider = RequireCacheBot(source, nameof(NoCache));
        return provider.CreateQuery<T>(Expression.Call(MarkerMethods<T>.NoCache, source.Expression));
    }

    private static IQueryable<T> ApplyCache<T>(IQueryable<T> source, string[]? paths, CacheQueryOptions? options)
    {
        var provider = RequireCacheBot(source, nameof(Cache));
        return provider.CreateQuery<T>(CacheMarkerCall(MarkerMethods<T>.Cache, source.Expression, paths, options));
    }

    /// <summary>Builds the <c>Cache(...)</c> marker over <paramref name="source"/> (a query of <paramref name="element"/>).</summary>
    internal static MethodCallExpression CacheMarkerCall(Type element, Expression source, string[]? paths, CacheQueryOptions? options) =>
        CacheMarkerCall(CacheMarkerDefinition.MakeGenericMethod(element), source, paths, options);

    private static MethodCallExpression CacheMarkerCall(MethodInfo marker, Expression source, string[]? paths, CacheQueryOptions? options) =>
        Expression.Call(
            marker,
            source,
            paths is null ? NoPaths : Expression.Constant(string.Join('|', paths), typeof(string)),
            options?.TimeToLive is { } ttl ? Expression.Constant(ttl.Ticks) : DefaultTimeToLive,
            options?.SharedResults == true ? SharedTrue : SharedFalse);

    /// <summary>Builds the <c>NoCache()</c> marker over <paramref name="source"/> (a query of <paramref name="element"/>).</summary>
    internal static MethodCallExpression NoCacheMarkerCall(Type element, Expression source) =>
        Expression.Call(NoCacheMarkerDefinition.MakeGenericMethod(element), source);

    private static IQueryProvider RequireCacheBot<T>(IQueryable<T> source, string operation)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Provider is not ICacheBotProvider)
        {
            throw new InvalidOperationException(
                $"{operation}() was called on a query that CacheBot does not wrap (its provider is {source.Provider.GetType().Name}). " +
                $"This happens when AsCacheBot() was not called, or when {operation}() follows a terminal operator such as ToList() " +
                $"or AsEnumerable(). Call AsCacheBot(...) on the source and {operation}() before the terminal operator.");
        }

        return source.Provider;
    }

    /// <summary>The marker methods closed over <typeparamref name="T"/>, built once per element type (no reflection per call).</summary>
    private static class MarkerMethods<T>
    {
        public static readonly MethodInfo Cache = CacheMarkerDefinition.MakeGenericMethod(typeof(T));

        public static readonly MethodInfo NoCache = NoCacheMarkerDefinition.MakeGenericMethod(typeof(T));
    }

    // Marker methods: never executed; they only carry the per-query choices through the expression tree.
#pragma warning disable IDE0060 // Parameters are read from the expression tree, not at run time.
    private static IQueryable<T> CacheMarker<T>(IQueryable<T> source, string? paths, long timeToLiveTicks, bool sharedResults) =>
        throw new NotSupportedException("CacheBot markers are stripped before execution.");

    private static IQueryable<T> NoCacheMarker<T>(IQueryable<T> source) =>
        throw new NotSupportedException("CacheBot markers are stripped before execution.");
#pragma warning restore IDE0060
}

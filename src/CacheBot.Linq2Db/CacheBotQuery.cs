using System.Linq.Expressions;
using CacheBot.Linq2Db.Compiled;
using LinqToDB;

namespace CacheBot.Linq2Db;

/// <summary>
/// Compiled cached queries: <c>static readonly Func&lt;DataConnection, int, Photo?&gt; PhotoById = CacheBotQuery.Compile((DataConnection db,
/// int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id));</c>. A call on a context configured with
/// <c>UseCacheBot(cache)</c> is served from the cache by hashing only the compiled query's identity, its parameter values and
/// the database identity: no expression is built and linq2db is not called on a hit.
/// </summary>
/// <remarks>
/// <para>Results: a body ending with a terminal operator (<c>First</c>, <c>FirstOrDefault</c>, <c>Single</c>, <c>Count</c>,
/// <c>Any</c>, <c>Sum</c>, ...) returns that value; a body returning <see cref="IQueryable{T}"/> returns its rows as a
/// <see cref="List{T}"/>. <c>CompileAsync</c> returns the same results as a task, with a trailing
/// <see cref="CancellationToken"/>: the body is written with the synchronous terminal and runs with linq2db's async I/O on a
/// miss.</para>
/// <para>Intent: compiling through <see cref="CacheBotQuery"/> asks for caching, as <c>Cache()</c> does, for gets, scalars and
/// lists alike; <c>NoCache()</c> inside the body opts out, <c>Cache(...)</c> inside the body sets paths and options (its arguments
/// must not depend on the parameters). Analysis, invalidation, transaction bypass and refusals are those of the equivalent
/// <c>AsCacheBot()</c> query; entries are invalidated by the same writes.</para>
/// <para>The fast hit needs a body whose result depends on its parameters only: the context appears only as
/// <c>db.GetTable&lt;T&gt;()</c>, no variable is captured and no static member is read. Other bodies (<c>db.Photos</c>,
/// a captured local) are cached too, but each call hashes the bound expression as an <c>AsCacheBot()</c> query does.
/// Parameters are keyed by value: scalars, enums and plain structs by their bytes, strings by their characters, collections
/// by their elements; a struct holding references (unknown equality) makes the call take the expression path, which keys the
/// members the body reads or, when it cannot, runs uncached (a bypass, logged at Debug).</para>
/// <para>The delegates are thread-safe; compile once (a <see langword="static readonly"/> field) and call with any CacheBot
/// context. Documentation: README.md "Compiled cached queries".</para>
/// </remarks>
public static class CacheBotQuery
{

    /// <summary>Compiles a cached query with 0 parameters returning a value (a terminal operator ends the body).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate that runs the query through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, TResult> Compile<TContext, TResult>(Expression<Func<TContext, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db) => Linq.Providers.SyncPath.Result(compiled.RunScalar<TResult, Args0>(db, new Args0(), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 0 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, List<T>> Compile<TContext, T>(Expression<Func<TContext, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args0>(db, new Args0(), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 0 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, List<T>> Compile<TContext, T>(Expression<Func<TContext, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args0>(db, new Args0(), async: false, CancellationToken.None));
    }

    /// <summary>Compiles an asynchronous cached query with 0 parameters returning a value (the body ends with the synchronous terminal operator).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, CancellationToken, Task<TResult>> CompileAsync<TContext, TResult>(Expression<Func<TContext, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, cancellationToken) => compiled.RunScalar<TResult, Args0>(db, new Args0(), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 0 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, CancellationToken, Task<List<T>>> CompileAsync<TContext, T>(Expression<Func<TContext, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, cancellationToken) => compiled.RunSequence<T, Args0>(db, new Args0(), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 0 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, CancellationToken, Task<List<T>>> CompileAsync<TContext, T>(Expression<Func<TContext, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, cancellationToken) => compiled.RunSequence<T, Args0>(db, new Args0(), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles a cached query with 1 parameter returning a value (a terminal operator ends the body).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate that runs the query through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, TResult> Compile<TContext, T1, TResult>(Expression<Func<TContext, T1, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1) => Linq.Providers.SyncPath.Result(compiled.RunScalar<TResult, Args1<T1>>(db, new Args1<T1>(a1), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 1 parameter returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, List<T>> Compile<TContext, T1, T>(Expression<Func<TContext, T1, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args1<T1>>(db, new Args1<T1>(a1), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 1 parameter returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, List<T>> Compile<TContext, T1, T>(Expression<Func<TContext, T1, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args1<T1>>(db, new Args1<T1>(a1), async: false, CancellationToken.None));
    }

    /// <summary>Compiles an asynchronous cached query with 1 parameter returning a value (the body ends with the synchronous terminal operator).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, CancellationToken, Task<TResult>> CompileAsync<TContext, T1, TResult>(Expression<Func<TContext, T1, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, cancellationToken) => compiled.RunScalar<TResult, Args1<T1>>(db, new Args1<T1>(a1), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 1 parameter returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T>(Expression<Func<TContext, T1, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, cancellationToken) => compiled.RunSequence<T, Args1<T1>>(db, new Args1<T1>(a1), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 1 parameter returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T>(Expression<Func<TContext, T1, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, cancellationToken) => compiled.RunSequence<T, Args1<T1>>(db, new Args1<T1>(a1), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles a cached query with 2 parameters returning a value (a terminal operator ends the body).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate that runs the query through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, TResult> Compile<TContext, T1, T2, TResult>(Expression<Func<TContext, T1, T2, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2) => Linq.Providers.SyncPath.Result(compiled.RunScalar<TResult, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 2 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, List<T>> Compile<TContext, T1, T2, T>(Expression<Func<TContext, T1, T2, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 2 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, List<T>> Compile<TContext, T1, T2, T>(Expression<Func<TContext, T1, T2, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: false, CancellationToken.None));
    }

    /// <summary>Compiles an asynchronous cached query with 2 parameters returning a value (the body ends with the synchronous terminal operator).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, CancellationToken, Task<TResult>> CompileAsync<TContext, T1, T2, TResult>(Expression<Func<TContext, T1, T2, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2, cancellationToken) => compiled.RunScalar<TResult, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 2 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T>(Expression<Func<TContext, T1, T2, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, cancellationToken) => compiled.RunSequence<T, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 2 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T>(Expression<Func<TContext, T1, T2, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, cancellationToken) => compiled.RunSequence<T, Args2<T1, T2>>(db, new Args2<T1, T2>(a1, a2), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles a cached query with 3 parameters returning a value (a terminal operator ends the body).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate that runs the query through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, TResult> Compile<TContext, T1, T2, T3, TResult>(Expression<Func<TContext, T1, T2, T3, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2, a3) => Linq.Providers.SyncPath.Result(compiled.RunScalar<TResult, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 3 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, List<T>> Compile<TContext, T1, T2, T3, T>(Expression<Func<TContext, T1, T2, T3, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 3 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, List<T>> Compile<TContext, T1, T2, T3, T>(Expression<Func<TContext, T1, T2, T3, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: false, CancellationToken.None));
    }

    /// <summary>Compiles an asynchronous cached query with 3 parameters returning a value (the body ends with the synchronous terminal operator).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, CancellationToken, Task<TResult>> CompileAsync<TContext, T1, T2, T3, TResult>(Expression<Func<TContext, T1, T2, T3, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2, a3, cancellationToken) => compiled.RunScalar<TResult, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 3 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T3, T>(Expression<Func<TContext, T1, T2, T3, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, cancellationToken) => compiled.RunSequence<T, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 3 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T3, T>(Expression<Func<TContext, T1, T2, T3, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, cancellationToken) => compiled.RunSequence<T, Args3<T1, T2, T3>>(db, new Args3<T1, T2, T3>(a1, a2, a3), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles a cached query with 4 parameters returning a value (a terminal operator ends the body).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate that runs the query through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, TResult> Compile<TContext, T1, T2, T3, T4, TResult>(Expression<Func<TContext, T1, T2, T3, T4, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2, a3, a4) => Linq.Providers.SyncPath.Result(compiled.RunScalar<TResult, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 4 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, List<T>> Compile<TContext, T1, T2, T3, T4, T>(Expression<Func<TContext, T1, T2, T3, T4, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, a4) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: false, CancellationToken.None));
    }

    /// <summary>Compiles a cached query with 4 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u)</c>.</param>
    /// <returns>A thread-safe delegate that returns the rows (copies the caller may change) through the cache of the context it is given.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, List<T>> Compile<TContext, T1, T2, T3, T4, T>(Expression<Func<TContext, T1, T2, T3, T4, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, a4) => Linq.Providers.SyncPath.Result(compiled.RunSequence<T, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: false, CancellationToken.None));
    }

    /// <summary>Compiles an asynchronous cached query with 4 parameters returning a value (the body ends with the synchronous terminal operator).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int id) =&gt; db.GetTable&lt;Photo&gt;().FirstOrDefault(p =&gt; p.Id == id)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body returns an unexecuted query, reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, CancellationToken, Task<TResult>> CompileAsync<TContext, T1, T2, T3, T4, TResult>(Expression<Func<TContext, T1, T2, T3, T4, TResult>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: false);
        return (db, a1, a2, a3, a4, cancellationToken) => compiled.RunScalar<TResult, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 4 parameters returning rows (the body returns <see cref="IQueryable{T}"/>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T3, T4, T>(Expression<Func<TContext, T1, T2, T3, T4, IQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, a4, cancellationToken) => compiled.RunSequence<T, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: true, cancellationToken).AsTask();
    }

    /// <summary>Compiles an asynchronous cached query with 4 parameters returning rows (the body returns <see cref="IOrderedQueryable{T}"/>: it ends with <c>OrderBy</c>/<c>ThenBy</c>).</summary>
    /// <typeparam name="TContext">The data context type (configured with <c>UseCacheBot(cache)</c> when called).</typeparam>
    /// <typeparam name="T1">The type of parameter 1.</typeparam>
    /// <typeparam name="T2">The type of parameter 2.</typeparam>
    /// <typeparam name="T3">The type of parameter 3.</typeparam>
    /// <typeparam name="T4">The type of parameter 4.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="query">The query, e.g. <c>(DataConnection db, int u, int s) =&gt; db.GetTable&lt;Photo&gt;().Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>.</param>
    /// <returns>A thread-safe delegate whose task completes at once on a hit and runs linq2db's async I/O on a miss.</returns>
    /// <exception cref="ArgumentException">The body reads no table, or has a <c>Cache(...)</c> argument that depends on a parameter.</exception>
    public static Func<TContext, T1, T2, T3, T4, CancellationToken, Task<List<T>>> CompileAsync<TContext, T1, T2, T3, T4, T>(Expression<Func<TContext, T1, T2, T3, T4, IOrderedQueryable<T>>> query)
        where TContext : IDataContext
    {
        var compiled = new CompiledCacheQuery(Require(query), sequence: true);
        return (db, a1, a2, a3, a4, cancellationToken) => compiled.RunSequence<T, Args4<T1, T2, T3, T4>>(db, new Args4<T1, T2, T3, T4>(a1, a2, a3, a4), async: true, cancellationToken).AsTask();
    }

    private static LambdaExpression Require(LambdaExpression query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query;
    }
}

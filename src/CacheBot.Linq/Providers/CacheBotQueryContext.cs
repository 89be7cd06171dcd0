using System.Linq.Expressions;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// Everything a wrapped query needs to run: the cache, the inner provider, the entity model and dialect, and the
/// identity hashed into every key. One per <c>AsCacheBot()</c> call. ORM integrations derive from it to run the inner
/// query their way (sync and async), to say when reads must bypass the cache (an open transaction), and to hand out their
/// own queryable type (<see cref="CreateQueryable{T}"/>).
/// </summary>
/// <remarks>
/// <para>The cached read path is <see cref="ExecuteCachedAsync{TResult}"/> (scalar and single-row results) and
/// <see cref="ExecuteCachedSequenceAsync{T}"/> (sequences): key, lookup, validation, and on a miss analysis, stamps, the
/// inner query (through <see cref="ExecuteInnerAsync{TResult}"/> / <see cref="ExecuteInnerSequenceAsync{T}"/>) and the store.
/// Both share one implementation for sync and async callers: with <c>async: false</c> the returned task is complete.</para>
/// <para>Thread-safety: a context is used by the query objects built from one source; it holds no mutable state of its own.</para>
/// <para>Documentation: docs/writing-an-integration.md.</para>
/// </remarks>
public class CacheBotQueryContext : IKeyHashPolicy
{
    /// <summary>Creates a context.</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="inner">The provider that runs queries on a miss.</param>
    /// <param name="model">The entity model of the inner provider's database.</param>
    /// <param name="dialect">The provider's dialect, or <see langword="null"/> for plain LINQ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cache"/>, <paramref name="inner"/> or <paramref name="model"/> is <see langword="null"/>.</exception>
    public CacheBotQueryContext(QueryCache cache, IQueryProvider inner, IEntityModel model, IQueryDialect? dialect)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(model);
        Cache = cache;
        Inner = inner;
        Model = model;
        Dialect = dialect;
        Identity = model.Fingerprint;
    }

    internal CacheBotQueryContext(QueryCache cache, IQueryProvider inner, string database)
        : this(cache, inner, cache.GetClrModel(database), null)
    {
    }

    /// <summary>Gets the cache.</summary>
    public QueryCache Cache { get; }

    /// <summary>Gets the provider that runs queries on a miss.</summary>
    public IQueryProvider Inner { get; }

    /// <summary>Gets the entity model.</summary>
    public IEntityModel Model { get; }

    /// <summary>Gets the dialect, or <see langword="null"/>.</summary>
    public IQueryDialect? Dialect { get; }

    /// <summary>Gets the database and mapping identity hashed into every key of this context (<see cref="IEntityModel.Fingerprint"/>).</summary>
    public UInt128 Identity { get; }

    /// <summary>
    /// Gets whether reads must bypass the shared cache now: an explicit transaction (or anything else that may make this
    /// connection see data other than the committed state) is open. Default <see langword="false"/>.
    /// </summary>
    public virtual bool IsInTransaction => false;

    /// <summary>Creates the queryable for <paramref name="expression"/> (integrations return their own subclass of <see cref="CacheBotQueryable{T}"/>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expression">The query expression.</param>
    /// <returns>The wrapped query.</returns>
    public virtual IQueryable<T> CreateQueryable<T>(Expression expression) => new CacheBotQueryable<T>(this, expression);

    /// <summary>
    /// Returns whether objects of <paramref name="type"/> captured in a query are keyed by their type only (a data context
    /// or session object whose identity does not change the query's rows). Default <see langword="false"/>: captured objects
    /// are keyed by value or identity.
    /// </summary>
    /// <param name="type">The runtime type of a captured object.</param>
    /// <returns>Whether to key it by type only.</returns>
    public virtual bool HashByTypeOnly(Type type) => false;

    /// <summary>
    /// Returns the identity of a provider-specific expression node (<see cref="ExpressionType.Extension"/>) beyond its CLR
    /// type, hashed into the key as structure: a root node that names its table in a property (EF Core's
    /// <c>EntityQueryRootExpression</c>) must say which table, or two queries over different tables would share a key.
    /// Default <see langword="false"/>: the node is keyed by its CLR type only.
    /// </summary>
    /// <param name="node">An extension node of the query.</param>
    /// <param name="identity">A stable identity of what the node reads (e.g. a hash of the entity type's name).</param>
    /// <returns>Whether <paramref name="identity"/> was set.</returns>
    /// <remarks>Called on the hit path for every extension node: must be cheap, thread-safe and must not allocate.</remarks>
    public virtual bool TryGetExtensionIdentity(Expression node, out UInt128 identity)
    {
        identity = default;
        return false;
    }

    /// <summary>
    /// Gets values that change this context's queries' rows without appearing in their expressions (for example the
    /// data-context members a provider's query filter reads): appended to every key. Read on the hit path: return readers
    /// built in advance (no allocation). Default: none.
    /// </summary>
    public virtual KeyValues KeyValues => default;

    void IKeyHashPolicy.AppendContextValues(ref HashWalk walk)
    {
        var values = KeyValues;
        var readers = values.Readers;
        if (readers is null)
        {
            return;
        }

        for (var i = 0; i < readers.Count; i++)
        {
            readers[i].Inner.Append(values.Root, ref walk);
        }
    }

    /// <summary>Runs a scalar (or single-row) query on the inner provider; CacheBot's markers are already stripped.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="expression">The query expression.</param>
    /// <param name="async">Whether to run asynchronously; when <see langword="false"/> the task must complete synchronously.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The result.</returns>
    public virtual ValueTask<TResult> ExecuteInnerAsync<TResult>(Expression expression, bool async, CancellationToken cancellationToken) =>
        new(Inner.Execute<TResult>(expression));

    /// <summary>Runs a sequence query on the inner provider and materialises it; CacheBot's markers are already stripped.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expression">The query expression.</param>
    /// <param name="async">Whether to run asynchronously; when <see langword="false"/> the task must complete synchronously.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows.</returns>
    public virtual ValueTask<List<T>> ExecuteInnerSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken) =>
        new(Inner.CreateQuery<T>(expression).ToList());

    /// <summary>
    /// Returns <paramref name="expression"/> without CacheBot's markers (<c>Cache()</c>, <c>NoCache()</c>), as the inner
    /// provider must see it (for operators that bypass the cache, such as DML, or to show the inner query's SQL).
    /// </summary>
    /// <param name="expression">A query expression.</param>
    /// <returns>The expression without markers (the same instance when it holds none).</returns>
    public static Expression RemoveMarkers(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return MarkerStripper.Strip(expression);
    }

    /// <summary>
    /// Returns the body of a compiled query's lambda with its <c>Cache(...)</c>/<c>NoCache()</c> calls turned into the markers
    /// the read path reads (written inside a lambda, those operators are never executed). Their arguments are evaluated
    /// once, here, and must not depend on the lambda's parameters.
    /// </summary>
    /// <param name="query">The compiled query's lambda.</param>
    /// <returns>The lambda's body with markers.</returns>
    /// <exception cref="ArgumentException">An operator's argument depends on the lambda's parameters, or a path is invalid.</exception>
    public static Expression BindMarkerCalls(LambdaExpression query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return MarkerCallBinder.Bind(query.Body, query.Parameters);
    }

    /// <summary>Runs a scalar (or single-row) query through the cache.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="expression">The query expression (markers included).</param>
    /// <param name="async">Whether the caller is asynchronous; with <see langword="false"/> the task is complete on return.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The result (a copy the caller may change, unless the query asked for shared results).</returns>
    public ValueTask<TResult> ExecuteCachedAsync<TResult>(Expression expression, bool async, CancellationToken cancellationToken) =>
        CachedQueryRunner.ExecuteScalarAsync<TResult>(this, expression, async, cancellationToken);

    /// <summary>
    /// Runs a scalar (or single-row) query of a compiled query through the cache: cached as if <c>Cache()</c> were applied
    /// (a <c>NoCache()</c> marker in the expression still wins), and looked up and stored under <paramref name="key"/> when
    /// given (see <see cref="PrecomputedKeyBuilder"/> and <see cref="PrecomputedResults"/>). Analysis, dependencies,
    /// transaction bypass and refusals are those of <see cref="ExecuteCachedAsync{TResult}"/>.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="expression">The query expression with the call's values bound (constants or captured values; markers included).</param>
    /// <param name="key">
    /// The key the integration computed for this call (compiled query identity, parameter values, database identity, result
    /// type and kind, <see cref="KeyValues"/>), or <see langword="null"/> to key the expression itself. It must hold every value
    /// the expression's result depends on: two calls with one key must be the same query.
    /// </param>
    /// <param name="async">Whether the caller is asynchronous; with <see langword="false"/> the task is complete on return.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <param name="runInner">
    /// Runs this call's inner query (the expression without markers, with the same values, on the same connection) the
    /// integration's own fast way, such as the ORM's compiled query, given whether to run asynchronously (with
    /// <see langword="false"/> the task must be complete) and the cancellation token; called wherever the cache would run
    /// the expression on the inner provider (a miss, a bypass, a query that is not cached) and nowhere else. The protocol
    /// around it is unchanged. <see langword="null"/> (the default) runs the expression through <see cref="ExecuteInnerAsync{TResult}"/>.
    /// </param>
    /// <returns>The result (a copy the caller may change, unless the query asked for shared results).</returns>
    public ValueTask<TResult> ExecuteCompiledAsync<TResult>(
        Expression expression, QueryKey? key, bool async, CancellationToken cancellationToken, Func<bool, CancellationToken, ValueTask<TResult>>? runInner = null) =>
        CachedQueryRunner.ExecuteScalarAsync<TResult>(this, expression, async, cancellationToken, new CachedQueryRunner.Precomputed(true, key, runInner));

    /// <summary>
    /// Runs a sequence query of a compiled query through the cache: as <see cref="ExecuteCompiledAsync{TResult}"/>, for a
    /// query whose rows are the result (stored as an array of <typeparamref name="T"/>).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expression">The query expression with the call's values bound (markers included).</param>
    /// <param name="key">The key the integration computed for this call, or <see langword="null"/> to key the expression itself.</param>
    /// <param name="async">Whether the caller is asynchronous; with <see langword="false"/> the task is complete on return.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <param name="runInner">
    /// Runs this call's inner query and returns its rows the integration's own fast way (see
    /// <see cref="ExecuteCompiledAsync{TResult}"/>), or <see langword="null"/> (the default) to run the expression through
    /// <see cref="ExecuteInnerSequenceAsync{T}"/>.
    /// </param>
    /// <returns>The rows (copies the caller may change, unless the query asked for shared results).</returns>
    public ValueTask<List<T>> ExecuteCompiledSequenceAsync<T>(
        Expression expression, QueryKey? key, bool async, CancellationToken cancellationToken, Func<bool, CancellationToken, ValueTask<List<T>>>? runInner = null) =>
        CachedQueryRunner.ExecuteSequenceAsync<T>(this, expression, async, cancellationToken, new CachedQueryRunner.Precomputed(true, key, runInner));

    /// <summary>Runs a sequence query through the cache.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expression">The query expression (markers included).</param>
    /// <param name="async">Whether the caller is asynchronous; with <see langword="false"/> the task is complete on return.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows (copies the caller may change, unless the query asked for shared results).</returns>
    public ValueTask<List<T>> ExecuteCachedSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken) =>
        CachedQueryRunner.ExecuteSequenceAsync<T>(this, expression, async, cancellationToken);
}

using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// Everything a wrapped query needs to run: the cache, the inner provider, the entity model and dialect, and the
/// database identity that goes into every key. One per <c>AsCacheBot()</c> call; ORM integrations derive from it to
/// supply their model, async execution and transaction state.
/// </summary>
internal class CacheBotQueryContext : IKeyHashPolicy
{
    public CacheBotQueryContext(QueryCache cache, IQueryProvider inner, IEntityModel model, IQueryDialect? dialect)
    {
        Cache = cache;
        Inner = inner;
        Model = model;
        Dialect = dialect;
        Identity = model.Fingerprint;
    }

    public CacheBotQueryContext(QueryCache cache, IQueryProvider inner, IQueryable source, string database)
        : this(cache, inner, cache.GetClrModel(database), null)
    {
        _ = source;
    }

    public QueryCache Cache { get; }

    public IQueryProvider Inner { get; }

    public IEntityModel Model { get; }

    public IQueryDialect? Dialect { get; }

    /// <summary>Gets the database and mapping identity hashed into every key of this context.</summary>
    public UInt128 Identity { get; }

    /// <summary>Gets whether reads must bypass the shared cache (an explicit transaction is open on this connection).</summary>
    public virtual bool IsInTransaction => false;

    public virtual IQueryable<T> CreateQueryable<T>(Expression expression) => new CacheBotQueryable<T>(this, expression);

    public virtual bool HashByTypeOnly(Type type) => false;

    /// <summary>Runs a scalar query on the inner provider (markers already stripped).</summary>
    public virtual ValueTask<TResult> ExecuteInnerAsync<TResult>(Expression expression, bool async, CancellationToken cancellationToken) =>
        new(Inner.Execute<TResult>(expression));

    /// <summary>Runs a sequence query on the inner provider (markers already stripped) and materialises it.</summary>
    public virtual ValueTask<List<T>> ExecuteInnerSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken) =>
        new(Inner.CreateQuery<T>(expression).ToList());
}

using System.Linq.Expressions;
using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Model;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// Runs CacheBot queries through EF Core: misses run on the context's own <see cref="IAsyncQueryProvider"/> (EF's real
/// async I/O when called asynchronously); the model is EF's <see cref="Microsoft.EntityFrameworkCore.Metadata.IModel"/>.
/// </summary>
/// <remarks>
/// <para>One per DbContext (it holds no per-query state). Identity (hashed into every key): the database id and the EF
/// model; a DbContext captured in a query closure (subqueries such as <c>db.Blogs</c>) is keyed by its type only, and
/// <see cref="EntityQueryRootExpression"/> by its entity type's name.</para>
/// <para>Bypass: reads bypass the cache inside a transaction (the context's, or an ambient one), and always for the
/// <c>bypass</c> twin used for tracking queries that return entities.</para>
/// </remarks>
internal sealed class EfQueryContext : CacheBotQueryContext
{
    private readonly bool _bypass;
    private readonly IAsyncQueryProvider _inner;

    public EfQueryContext(CacheBotContextState state, IAsyncQueryProvider inner, IQueryCompiler compiler, bool bypass)
        : base(state.Cache, inner, state.Model, EfDialect.Instance)
    {
        State = state;
        _inner = inner;
        _bypass = bypass;
        EfModel = state.Model;
        Provider = new EfCacheBotProvider(compiler, this);
    }

    public CacheBotContextState State { get; }

    public EfEntityModel EfModel { get; }

    /// <summary>Gets the provider handed out by this context's queries (derives from EF's <c>EntityQueryProvider</c>).</summary>
    public EfCacheBotProvider Provider { get; }

    /// <inheritdoc/>
    public override bool IsInTransaction => _bypass || State.IsInTransaction || State.ReadsUncacheable;

    /// <inheritdoc/>
    public override IQueryable<T> CreateQueryable<T>(Expression expression) => new EfCacheBotQueryable<T>(this, expression);

    /// <inheritdoc/>
    public override bool HashByTypeOnly(Type type) => typeof(DbContext).IsAssignableFrom(type) || type == typeof(DbFunctions);

    /// <inheritdoc/>
    public override bool TryGetExtensionIdentity(Expression node, out UInt128 identity)
    {
        if (node is EntityQueryRootExpression root)
        {
            identity = EfModel.RootIdentity(root.EntityType);
            return true;
        }

        identity = default;
        return false;
    }

    /// <inheritdoc/>
    public override async ValueTask<TResult> ExecuteInnerAsync<TResult>(Expression expression, bool async, CancellationToken cancellationToken)
    {
        State.EnsureProvenanceTracking();
        return async
            ? await _inner.ExecuteAsync<Task<TResult>>(expression, cancellationToken).ConfigureAwait(false)
            : _inner.Execute<TResult>(expression);
    }

    /// <inheritdoc/>
    public override async ValueTask<List<T>> ExecuteInnerSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken)
    {
        State.EnsureProvenanceTracking();
        if (!async)
        {
            return [.. _inner.Execute<IEnumerable<T>>(expression)];
        }

        var list = new List<T>();
        await foreach (var item in _inner.ExecuteAsync<IAsyncEnumerable<T>>(expression, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }
}

using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.Internal;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// The provider of CacheBot's EF Core queries. It derives from EF's <see cref="EntityQueryProvider"/> because EF's operators
/// (<c>Include</c>, <c>AsNoTracking</c>, <c>AsSplitQuery</c>, <c>TagWith</c>, ...) are silent no-ops on any other provider.
/// </summary>
/// <remarks>
/// <para>Routing: reads go through the cache (<see cref="CacheBotQueryContext.ExecuteCachedAsync{TResult}"/>); EF operators
/// that are not reads (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>) and sequence requests from EF's own helpers
/// (<c>ToQueryString()</c>, <c>CreateDbCommand()</c>) go to EF unchanged, without CacheBot's markers (their writes are seen
/// by CacheBot's command interceptor).</para>
/// <para>Tracking: a query whose effective tracking behaviour is <see cref="QueryTrackingBehavior.TrackAll"/> and whose result
/// may hold entities bypasses the cache (counted as a bypass): EF then returns the tracked instances, with identity
/// resolution, exactly as without CacheBot. Use <c>AsNoTracking()</c> (or a no-tracking context) for cached entity queries;
/// they return untracked copies.</para>
/// </remarks>
internal sealed class EfCacheBotProvider : EntityQueryProvider, ICacheBotProvider
{
    private static readonly MethodInfo CreateQueryDefinition =
        typeof(EfCacheBotProvider).GetMethods().Single(m => m.Name == nameof(CreateQuery) && m.IsGenericMethodDefinition);

    private static readonly MethodInfo ExecuteDefinition =
        typeof(EfCacheBotProvider).GetMethods().Single(m => m.Name == nameof(Execute) && m.IsGenericMethodDefinition);

    private readonly EfQueryContext _context;

    public EfCacheBotProvider(IQueryCompiler queryCompiler, EfQueryContext context)
        : base(queryCompiler)
    {
        _context = context;
    }

    /// <inheritdoc/>
    public CacheBotQueryContext Context => _context;

    /// <inheritdoc/>
    public override IQueryable<TElement> CreateQuery<TElement>(Expression expression) => _context.CreateQueryable<TElement>(expression);

    /// <inheritdoc/>
    public override IQueryable CreateQuery(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var element = SequenceElement(expression.Type) ?? expression.Type;
        return (IQueryable)CreateQueryDefinition.MakeGenericMethod(element).Invoke(this, [expression])!;
    }

    /// <inheritdoc/>
    public override object Execute(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return ExecuteDefinition.MakeGenericMethod(expression.Type).Invoke(this, [expression])!;
    }

    /// <inheritdoc/>
    public override TResult Execute<TResult>(Expression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (IsPassThrough(expression, typeof(TResult)))
        {
            return base.Execute<TResult>(CacheBotQueryContext.RemoveMarkers(expression));
        }

        return SyncPath.Result(ContextFor(expression, typeof(TResult)).ExecuteCachedAsync<TResult>(expression, async: false, CancellationToken.None));
    }

    /// <inheritdoc/>
    public override TResult ExecuteAsync<TResult>(Expression expression, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (IsPassThrough(expression, null) || AsyncResults<TResult>.Run is not { } run)
        {
            return base.ExecuteAsync<TResult>(CacheBotQueryContext.RemoveMarkers(expression), cancellationToken);
        }

        return run(this, expression, cancellationToken);
    }

    /// <summary>Reads a sequence through the cache (or past it, for tracking queries over entities).</summary>
    public ValueTask<List<T>> ReadSequenceAsync<T>(Expression expression, bool async, CancellationToken cancellationToken) =>
        ContextFor(expression, typeof(T)).ExecuteCachedSequenceAsync<T>(expression, async, cancellationToken);

    internal Task<T> ExecuteScalarTask<T>(Expression expression, CancellationToken cancellationToken) =>
        ContextFor(expression, typeof(T)).ExecuteCachedAsync<T>(expression, async: true, cancellationToken).AsTask();

    internal async IAsyncEnumerable<T> ExecuteSequenceAsyncEnumerable<T>(Expression expression, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = await ReadSequenceAsync<T>(expression, async: true, cancellationToken).ConfigureAwait(false);
        foreach (var item in list)
        {
            yield return item;
        }
    }

    private EfQueryContext ContextFor(Expression expression, Type resultType) =>
        TrackingInspector.IsTrackingOverEntities(expression, resultType, _context) ? _context.State.BypassContext : _context;

    /// <summary>EF's DML operators and EF helpers that ask for the raw enumerable (ToQueryString, CreateDbCommand) go to EF.</summary>
    private static bool IsPassThrough(Expression expression, Type? resultType)
    {
        if (expression is MethodCallExpression { Method: { } method }
            && (method.DeclaringType == typeof(EntityFrameworkQueryableExtensions) || method.DeclaringType == typeof(RelationalQueryableExtensions))
            && method.Name.StartsWith("Execute", StringComparison.Ordinal))
        {
            return true;
        }

        return resultType is not null && resultType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(resultType);
    }

    internal static Type? SequenceElement(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            return type.GetGenericArguments()[0];
        }

        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }
}

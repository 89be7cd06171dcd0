using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// A second query a miss may run to narrow its entry's dependencies: the distinct non-null values of one column of the rows
/// a source query selects, <c>source.Select(r =&gt; r.Column).Take(MaxKeys + 1)</c>, run on the inner provider through the
/// miss's own context. More than <see cref="MaxKeys"/> rows answer <see langword="null"/> (the caller keeps its coarser keys).
/// </summary>
internal sealed class KeyQuery
{
    /// <summary>The most values a key query may return for its narrowing to apply (each is a slot read on every hit).</summary>
    public const int MaxKeys = 64;

    private static readonly MethodInfo RunDefinition = typeof(KeyQuery).GetMethod(nameof(RunTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<object?>?>>> Runners = new();

    private readonly Expression _query;
    private readonly Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<object?>?>> _run;

    private KeyQuery(Expression query, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<object?>?>> run)
    {
        _query = query;
        _run = run;
    }

    /// <summary>The key query of <paramref name="column"/> over <paramref name="source"/>, a query of rows of <paramref name="column"/>'s table.</summary>
    public static KeyQuery Create(Expression source, ColumnModel column)
    {
        var element = TypeHelpers.GetSequenceElement(source.Type)!;
        var row = Expression.Parameter(element, "keyed");
        var keyType = column.ClrType;
        var select = Expression.Call(
            typeof(Queryable), nameof(Queryable.Select), [element, keyType], source, Expression.Quote(Expression.Lambda(Expression.MakeMemberAccess(row, column.Member), row)));
        var query = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [keyType], select, Expression.Constant(MaxKeys + 1));
        var run = Runners.GetOrAdd(
            keyType,
            static type => RunDefinition.MakeGenericMethod(type).CreateDelegate<Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<object?>?>>>());
        return new KeyQuery(query, run);
    }

    /// <summary>Runs the query: the distinct non-null values, or <see langword="null"/> when there are more than <see cref="MaxKeys"/> rows.</summary>
    public ValueTask<List<object?>?> ReadAsync(CacheBotQueryContext context, bool async, CancellationToken cancellationToken) =>
        _run(context, _query, async, cancellationToken);

    private static async ValueTask<List<object?>?> RunTyped<TKey>(CacheBotQueryContext context, Expression query, bool async, CancellationToken cancellationToken)
    {
        var rows = await context.ExecuteInnerSequenceAsync<TKey>(query, async, cancellationToken).ConfigureAwait(false);
        if (rows.Count > MaxKeys)
        {
            return null;
        }

        var keys = new List<object?>(rows.Count);
        foreach (var key in rows)
        {
            if (key is not null && !keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}

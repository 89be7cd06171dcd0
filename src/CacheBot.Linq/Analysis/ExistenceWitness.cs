using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// The witness of a monotone existence test (<see cref="MonotoneExistence"/>): instead of <c>Any(p)</c> the inner query asks
/// for the primary key of one matching row, <c>Where(p).Select(r =&gt; r.Key).Take(1)</c>, which answers the same question. A
/// <see langword="true"/> answer then holds as long as that one row exists and still matches, so the entry depends on the
/// witness's key in the removal direction (<see cref="Scheme"/> over the key columns, reading the test's columns and the key):
/// a write that removes another matching row leaves it valid.
/// </summary>
/// <remarks>
/// <para>Sound because every way the answer can turn false removes the witness from the matching rows: deleting it (its old
/// image has its key), updating a column the test reads or its key (the scheme reads both, so <see cref="RowDiff"/> does
/// not skip it, and the old image has the old key), or a write of unknown rows (the removal table key). The scheme is
/// registered before the read position like every other, so a write after the position bumps the witness's key even
/// though the key itself is known only after the query ran.</para>
/// <para>Only for a single-column primary key that can form a scheme, on the expression path (a compiled query's own inner
/// query answers the bool and keeps the directional keys).</para>
/// </remarks>
internal sealed class ExistenceWitness
{
    private static readonly MethodInfo RunDefinition = typeof(ExistenceWitness).GetMethod(nameof(RunTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<(bool Found, object? Key)>>> Runners = new();

    private readonly Expression _query;
    private readonly Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<(bool Found, object? Key)>> _run;

    private ExistenceWitness(Expression query, Scheme scheme, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<(bool Found, object? Key)>> run)
    {
        _query = query;
        Scheme = scheme;
        _run = run;
    }

    /// <summary>Gets the scheme the witness's key is a value of (registered before the read position).</summary>
    public Scheme Scheme { get; }

    /// <summary>
    /// The witness for <paramref name="existence"/> (an <c>Any</c> call that <see cref="MonotoneExistence.Applies"/> to), with
    /// its scheme registered; <see langword="null"/> when the table has no single-column key that can form a scheme.
    /// </summary>
    public static ExistenceWitness? TryCreate(QueryCache cache, Expression existence, QueryAnalysis analysis)
    {
        if (existence is not MethodCallExpression any || analysis.Tables.Count != 1
            || analysis.Tables[0] is not { PrimaryKey: [{ CanFormScheme: true } key] } table)
        {
            return null;
        }

        var element = any.Method.GetGenericArguments()[0];
        if (!key.Member.DeclaringType!.IsAssignableFrom(element))
        {
            return null;
        }

        // The columns the test reads (its predicates), and the key: a witness whose key changes is a witness lost.
        var readMask = ColumnMask.Bit(key);
        foreach (var group in analysis.Groups)
        {
            readMask |= group.ReadMask;
        }

        var source = any.Arguments[0];
        if (any.Arguments.Count == 2)
        {
            source = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [element], source, any.Arguments[1]);
        }

        var row = Expression.Parameter(element, "row");
        var keyType = key.ClrType;
        var select = Expression.Call(
            typeof(Queryable), nameof(Queryable.Select), [element, keyType], source, Expression.Quote(Expression.Lambda(Expression.MakeMemberAccess(row, key.Member), row)));
        var query = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [keyType], select, Expression.Constant(1));
        var run = Runners.GetOrAdd(
            keyType,
            static type => RunDefinition.MakeGenericMethod(type).CreateDelegate<Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<(bool, object?)>>>());
        return new ExistenceWitness(query, cache.Schemes.Register(table, [key], readMask, SchemeDirection.Removals), run);
    }

    /// <summary>Runs the witness query on the inner provider: whether a row matches, and its key.</summary>
    public ValueTask<(bool Found, object? Key)> RunAsync(CacheBotQueryContext context, bool async, CancellationToken cancellationToken) =>
        _run(context, _query, async, cancellationToken);

    /// <summary>
    /// The keys of a <see langword="true"/> answer with witness <paramref name="key"/>: the table and database keys of the removal
    /// direction (not the test's own tuples), and the witness's key; <see langword="null"/>
    /// when the key cannot be encoded (the caller keeps the removal keys).
    /// </summary>
    public ulong[]? KeysFor(object? key, QueryAnalysis analysis)
    {
        if (!DependencyKeys.TryForTuple(Scheme, [key], out var witness))
        {
            return null;
        }

        var keys = new List<ulong>(3);
        foreach (var table in analysis.Tables)
        {
            DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(table, SchemeDirection.Removals));
            DependencyKeys.AddDistinct(keys, DependencyKeys.DatabaseEpoch(table.Database));
        }

        DependencyKeys.AddDistinct(keys, witness);
        return [.. keys];
    }

    private static async ValueTask<(bool Found, object? Key)> RunTyped<TKey>(CacheBotQueryContext context, Expression query, bool async, CancellationToken cancellationToken)
    {
        var rows = await context.ExecuteInnerSequenceAsync<TKey>(query, async, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? (false, null) : (true, rows[0]);
    }
}

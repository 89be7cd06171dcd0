using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// A filter of a list's root table that holds while a root row has more than <c>k</c> matching rows through a collection
/// navigation, for <c>k</c> of 0 or 1: a conjunct <c>u.Photos.Count(x =&gt; P(x)) &gt; 1</c> (or <c>&gt;= 2</c>, either side,
/// <c>Count()</c> without a predicate, <c>Any([P])</c> for <c>k = 0</c>). The navigation's table (the target) then changes the
/// answer only when a root row crosses the threshold:
/// <list type="bullet">
/// <item>a root row in the answer leaves only when one of any <c>k + 1</c> of its matching rows leaves. A second query on a miss
/// reads, per root row, the smallest and the largest key of its matching rows (the witnesses); the entry holds their removals
/// (delete, or a change of a column the predicate, the join or the key reads);</item>
/// <item>a root row not in the answer enters only when a matching row arrives with its key in the join column: the entry holds
/// the target's arrivals keyed by the predicate's own tuples and that join value, for every root row the second query read
/// that is not in the answer. A root row that did not exist then arrives itself, which the root's own arrivals hold.</item>
/// </list>
/// Negated thresholds (<c>!u.Photos.Any(P)</c>, <c>Count(P) == 0</c>, <c>&lt; 2</c>, <c>&lt;= 1</c>) swap the roles: root rows
/// outside the answer hold witnesses (they enter only when one leaves), root rows in it hold arrivals.
/// </summary>
/// <remarks>
/// <para>The second query runs through the navigation of the query's own root
/// (<c>root.Select(u =&gt; new { u.Id, Low = u.Photos.Where(P).Min(x =&gt; x.Id), High = ...Max })</c>), so it counts the rows the
/// query counts, under the same filters; after the list, like <see cref="JoinedArrivals"/>. Sound because the keys are
/// checked, not assumed: a root row of the answer whose witnesses are fewer than <c>k + 1</c> when the second query runs makes
/// the entry keep its coarser keys (a write between the two changed it, and that write is after the read position); a root
/// row that entered between the two did so by an arrival after the position, which the keys of the rows outside the answer
/// hold.</para>
/// <para>Only single-column joins from the root's single-column key (an integer or <see cref="Guid"/>), an integer key on the
/// target (its minimum and maximum are SQL aggregates everywhere), a predicate that reads only the target row's own columns and
/// captured values, a target table the query reads once, no target group that pins the join column, at most 64 root rows and
/// at most 128 keys.</para>
/// </remarks>
internal sealed class CountWitnesses
{
    private const int MaxRoots = KeyQuery.MaxKeys;

    /// <summary>The most keys the witnesses may add: two per root row (more tuples per row keep the coarser keys).</summary>
    private const int MaxKeys = 2 * MaxRoots;

    private static readonly MethodInfo RunDefinition = typeof(CountWitnesses).GetMethod(nameof(RunTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly ConcurrentDictionary<Type, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<(object? Root, object? Low, object? High)>?>>> Runners = new();

    private readonly Expression _query;
    private readonly Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<(object? Root, object? Low, object? High)>?>> _run;
    private readonly int _needed;
    private readonly bool _negated;
    private readonly Scheme _removals;
    private readonly List<(DependencyGroup Group, Scheme Arrivals, int JoinIndex)> _groups;

    private CountWitnesses(
        TableModel target, Expression query, Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<(object?, object?, object?)>?>> run, int needed,
        bool negated, Scheme removals, List<(DependencyGroup, Scheme, int)> groups)
    {
        Target = target;
        _query = query;
        _run = run;
        _needed = needed;
        _negated = negated;
        _removals = removals;
        _groups = groups;
    }

    /// <summary>Gets the navigation's table, whose dependencies the witnesses replace.</summary>
    public TableModel Target { get; }

    /// <summary>
    /// The first threshold filter among <paramref name="filters"/> (the chain's <c>Where</c> calls on rows of <paramref name="root"/>,
    /// whose table expression is <paramref name="rootNode"/>), with its schemes registered through <paramref name="register"/>;
    /// <see langword="null"/> when none qualifies.
    /// </summary>
    public static CountWitnesses? TryFind(
        IReadOnlyList<MethodCallExpression> filters, Expression rootNode, TableModel root, QueryAnalysis analysis,
        Func<TableModel, ColumnModel[], ulong, SchemeDirection, Scheme> register)
    {
        if (root.PrimaryKey is not [{ CanFormScheme: true } rootKey])
        {
            return null;
        }

        foreach (var (conjunct, row) in Conjuncts.OfFilters(filters))
        {
            if (Match(conjunct, row, root) is { } match
                && Create(match.Association, match.Predicate, match.Needed, match.Negated, rootNode, root, rootKey, analysis, register) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs the second query: per root row, its key and its matching rows' smallest and largest keys; <see langword="null"/>
    /// when there are more than 64 root rows (each one's keys are slots read on every hit).
    /// </summary>
    public ValueTask<List<(object? Root, object? Low, object? High)>?> ReadAsync(CacheBotQueryContext context, bool async, CancellationToken cancellationToken) =>
        _run(context, _query, async, cancellationToken);

    /// <summary>
    /// Adds the target's keys for an answer whose root keys are <paramref name="answerKeys"/>: the witnesses' removals for root
    /// rows that are in it by having enough matching rows (or, negated, out of it by that), the arrivals by join value for the
    /// others; false when such a root row has too few witnesses now, or a value cannot be encoded (the caller keeps the
    /// coarser keys).
    /// </summary>
    public bool TryAddKeys(List<ulong> keys, List<object?> answerKeys, List<(object? Root, object? Low, object? High)> read)
    {
        var found = 0;
        var arriving = new List<object?>(read.Count);
        foreach (var (rootValue, low, high) in read)
        {
            if (rootValue is null)
            {
                return false;
            }

            var inAnswer = answerKeys.Contains(rootValue);
            found += inAnswer ? 1 : 0;
            if (inAnswer == _negated)
            {
                arriving.Add(rootValue);
            }
            else if (low is null || (_needed == 2 && Equals(low, high))
                || !DependencyKeys.TryAddForTuple(keys, _removals, [low]) || (_needed == 2 && !DependencyKeys.TryAddForTuple(keys, _removals, [high])))
            {
                return false;
            }
        }

        foreach (var (group, arrivals, joinIndex) in _groups)
        {
            if (!DependencyKeys.TryAddWithValues(keys, arrivals, group.Tuples, joinIndex, arriving))
            {
                return false;
            }
        }

        // Every root row of the answer must have been read (a row that left since has no witnesses to hold); each key is a slot
        // read on every hit.
        return found == answerKeys.Count && keys.Count <= MaxKeys;
    }

    private static CountWitnesses? Create(
        AssociationModel association, LambdaExpression? predicate, int needed, bool negated, Expression rootNode, TableModel root, ColumnModel rootKey, QueryAnalysis analysis,
        Func<TableModel, ColumnModel[], ulong, SchemeDirection, Scheme> register)
    {
        if (association is not { IsCollection: true, HasKeys: true, ThisKeys.Count: 1, ThroughTables.Count: 0, ReadsUnnamedTables: false }
            || root.FindColumn(association.ThisKeys[0]) != rootKey
            || analysis.Tables.FirstOrDefault(t => t.EntityType == association.TargetType) is not { } target || target == root
            || analysis.Tables.Count(t => t == target) != 1 || !analysis.ReadOnce.Contains(target)
            || target.FindColumn(association.OtherKeys[0]) is not { CanFormScheme: true } join
            || target.PrimaryKey is not [{ CanFormScheme: true } targetKey]
            || !JoinedArrivals.IsJoinKeyType(rootKey.ClrType)
            || (Nullable.GetUnderlyingType(join.ClrType) ?? join.ClrType) != (Nullable.GetUnderlyingType(rootKey.ClrType) ?? rootKey.ClrType)
            || !TypeHelpers.IsKeyIntegerType(targetKey.ClrType)
            || (predicate is not null && !MonotoneExistence.IsRowLocal(predicate)))
        {
            return null;
        }

        // The target's own groups come from the predicate; one that pins the join column already has nothing to narrow.
        var groups = analysis.Groups.Where(g => g.Table == target).ToList();
        if (groups.Count == 0 || groups.Any(g => Array.IndexOf(g.Columns, join) >= 0))
        {
            return null;
        }

        var mask = 0UL;
        foreach (var group in groups)
        {
            mask |= group.ReadMask;
        }

        // A witness leaves by a delete or by a change of a column the predicate, the join or its key reads; a row arrives by a
        // change of one the predicate or the join reads.
        mask = mask == 0 ? ColumnMask.All : mask | ColumnMask.Bit(join);
        var removals = register(target, [targetKey], mask | ColumnMask.Bit(targetKey), SchemeDirection.Removals);
        var keyed = new List<(DependencyGroup, Scheme, int)>(groups.Count);
        foreach (var group in groups)
        {
            ColumnModel[] columns = [.. group.Columns.Append(join).OrderBy(static c => c.Ordinal)];
            keyed.Add((group, register(target, columns, mask, SchemeDirection.Arrivals), Array.IndexOf(columns, join)));
        }

        var query = BuildQuery(association, predicate, rootNode, rootKey, targetKey, out var rowType);
        var run = Runners.GetOrAdd(
            rowType,
            static type => RunDefinition.MakeGenericMethod(type.GetGenericArguments())
                .CreateDelegate<Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<List<(object?, object?, object?)>?>>>());
        return new CountWitnesses(target, query, run, needed, negated, removals, keyed);
    }

    /// <summary>
    /// <c>root.Select(u =&gt; new WitnessRow { Root = u.Key, Low = u.Nav.Where(P).Min(x =&gt; (K?)x.Key), High = ...Max(...) }).Take(65)</c>.
    /// </summary>
    private static MethodCallExpression BuildQuery(
        AssociationModel association, LambdaExpression? predicate, Expression rootNode, ColumnModel rootKey, ColumnModel targetKey, out Type rowType)
    {
        var rootType = TypeHelpers.GetSequenceElement(rootNode.Type)!;
        var witnessType = typeof(Nullable<>).MakeGenericType(Nullable.GetUnderlyingType(targetKey.ClrType) ?? targetKey.ClrType);
        rowType = typeof(WitnessRow<,>).MakeGenericType(rootKey.ClrType, witnessType);
        var row = Expression.Parameter(rootType, "counted");
        Expression rows = Expression.MakeMemberAccess(row, association.Member);
        if (predicate is not null)
        {
            rows = Expression.Call(typeof(Enumerable), nameof(Enumerable.Where), [association.TargetType], rows, predicate);
        }

        var target = Expression.Parameter(association.TargetType, "witness");
        var selector = Expression.Lambda(Expression.Convert(Expression.MakeMemberAccess(target, targetKey.Member), witnessType), target);
        var body = Expression.MemberInit(
            Expression.New(rowType),
            Expression.Bind(rowType.GetProperty(nameof(WitnessRow<int, int>.Root))!, Expression.MakeMemberAccess(row, rootKey.Member)),
            Expression.Bind(rowType.GetProperty(nameof(WitnessRow<int, int>.Low))!, Expression.Call(typeof(Enumerable), nameof(Enumerable.Min), [association.TargetType, witnessType], rows, selector)),
            Expression.Bind(rowType.GetProperty(nameof(WitnessRow<int, int>.High))!, Expression.Call(typeof(Enumerable), nameof(Enumerable.Max), [association.TargetType, witnessType], rows, selector)));
        var select = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [rootType, rowType], rootNode, Expression.Quote(Expression.Lambda(body, row)));
        return Expression.Call(typeof(Queryable), nameof(Queryable.Take), [rowType], select, Expression.Constant(MaxRoots + 1));
    }

    /// <summary>
    /// The navigation, predicate and number of witnesses of a threshold conjunct, which holds when a root row has at least
    /// <c>Needed</c> matching rows (<c>x.Nav.Count([P]) &gt; k</c>, <c>&gt;= k</c>, <c>x.Nav.Any([P])</c>) or, negated, fewer
    /// (<c>&lt; k</c>, <c>&lt;= k</c>, <c>== 0</c>, <c>!x.Nav.Any([P])</c>); the count on either side, <c>k</c> a captured
    /// integer, and <c>Needed</c> 1 or 2.
    /// </summary>
    private static (AssociationModel Association, LambdaExpression? Predicate, int Needed, bool Negated)? Match(Expression conjunct, ParameterExpression row, TableModel root)
    {
        var negated = false;
        if (conjunct is UnaryExpression { NodeType: ExpressionType.Not, Method: null, Operand: MethodCallExpression { Method.Name: nameof(Enumerable.Any) } } not)
        {
            negated = true;
            conjunct = not.Operand;
        }

        if (conjunct is MethodCallExpression { Method.Name: nameof(Enumerable.Any) } any)
        {
            return JoinedArrivals.CollectionNavigation(any, row, root) is { } found ? (found.Association, found.Predicate, 1, negated) : null;
        }

        if (conjunct is not BinaryExpression
            {
                NodeType: ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.Equal,
                Method: null,
            } compare)
        {
            return null;
        }

        // Normalised to a count on the left: the comparison flipped when it is on the right.
        var (counted, bound, kind) = compare.Left is MethodCallExpression left
            ? (left, compare.Right, compare.NodeType)
            : (compare.Right as MethodCallExpression, compare.Left, compare.NodeType switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                _ => compare.NodeType,
            });
        if (counted is not { Method.Name: nameof(Enumerable.Count) } || ParameterFinder.References(bound)
            || !CapturedValues.TryEvaluate(bound, out var value) || value is not int threshold
            || JoinedArrivals.CollectionNavigation(counted, row, root) is not { } navigation)
        {
            return null;
        }

        (int Needed, bool Negated)? form = kind switch
        {
            ExpressionType.GreaterThan => (threshold + 1, false),
            ExpressionType.GreaterThanOrEqual => (threshold, false),
            ExpressionType.LessThan => (threshold, true),
            ExpressionType.LessThanOrEqual => (threshold + 1, true),
            _ => threshold == 0 ? (1, true) : null,
        };
        return form is ({ } needed and (1 or 2), var isNegated) ? (navigation.Association, navigation.Predicate, needed, isNegated) : null;
    }

    private static async ValueTask<List<(object?, object?, object?)>?> RunTyped<TRoot, TWitness>(
        CacheBotQueryContext context, Expression query, bool async, CancellationToken cancellationToken)
    {
        var rows = await context.ExecuteInnerSequenceAsync<WitnessRow<TRoot, TWitness>>(query, async, cancellationToken).ConfigureAwait(false);
        if (rows.Count > MaxRoots)
        {
            return null;
        }

        var read = new List<(object?, object?, object?)>(rows.Count);
        foreach (var row in rows)
        {
            read.Add((row.Root, row.Low, row.High));
        }

        return read;
    }
}

/// <summary>One row of a <see cref="CountWitnesses"/> query: a root row's key and its matching rows' smallest and largest keys.</summary>
/// <typeparam name="TRoot">The root key's type.</typeparam>
/// <typeparam name="TWitness">The target key's type, nullable (no matching row reads null).</typeparam>
internal sealed class WitnessRow<TRoot, TWitness>
{
    public TRoot Root { get; set; } = default!;

    public TWitness Low { get; set; } = default!;

    public TWitness High { get; set; } = default!;
}

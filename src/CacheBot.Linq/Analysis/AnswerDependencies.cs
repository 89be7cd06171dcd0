using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Dependencies that a list's own rows make narrower than its analysis can: the keys are known only after the query ran,
/// and their schemes are registered before the read position like every other, so a write after the position still reaches
/// them (the position, not the key, is what a write is compared with).
/// <list type="bullet">
/// <item><b>Removals of the root table by the answer's keys.</b> A list that filters one table (its root, read nowhere else in
/// the query) through <c>Where</c>, orderings and loads, with a projection that keeps the primary key (or none): a row that is
/// not in the answer does not match, so it leaving (a delete, an update away) changes nothing. The root's own dependencies
/// then hold for arrivals only (new images, and only changes of the columns the filter and the ordering read), and removals
/// (old images) hit the keys of the rows in the answer. The same holds for a window, <c>OrderBy(...).Take(n)</c> over such a
/// filter, when the ordering includes the primary key (no ties): a row outside the window enters it only by arriving in
/// the filter or changing its ordering columns, or when a row of the window leaves.</item>
/// <item><b>Loaded children by their parents' keys.</b> <c>LoadWith(p =&gt; p.Tags)</c> / <c>Include</c> loads the rows whose
/// foreign key holds a key of a parent in the answer (the parents' own changes are the root's dependencies): the child table,
/// read nowhere else, depends on those key values only, instead of any row.</item>
/// </list>
/// </summary>
/// <remarks>
/// Anything else keeps the analysis' own keys: <c>Skip</c>, a filter after <c>Take</c>, <c>Distinct</c>, joins, set operations,
/// aggregates, a root table read twice (a subquery over the same table can make a row match when another leaves), a composite
/// or unencodable key in a load, loaded paths deeper than one navigation, many-to-many loads, and answers above 64 rows (each
/// key is a slot read on every hit). Removals by the answer's keys apply only to windows and where the root has an "any row"
/// group: an equality alone already keeps removals of other rows away.
/// </remarks>
internal sealed class AnswerDependencies
{
    private const int MaxRows = 64;

    private static readonly ConcurrentDictionary<MemberInfo, Func<object, object?>> Getters = new();

    private readonly TableModel _root;
    private readonly Func<object, (bool Known, object? Value)>[]? _rootKey;
    private readonly Scheme? _removals;
    private readonly ulong _arrivalsMask;
    private readonly List<(Scheme Scheme, ColumnModel[] ParentColumns)> _loaded;
    private readonly JoinedArrivals? _join;
    private readonly List<JoinedGroup>? _joinedGroups;

    private AnswerDependencies(
        TableModel root, Func<object, (bool, object?)>[]? rootKey, Scheme? removals, ulong arrivalsMask, List<(Scheme, ColumnModel[])> loaded,
        JoinedArrivals? join, List<JoinedGroup>? joinedGroups)
    {
        _root = root;
        _rootKey = rootKey;
        _removals = removals;
        _arrivalsMask = arrivalsMask;
        _loaded = loaded;
        _join = join;
        _joinedGroups = joinedGroups;
    }

    /// <summary>Gets the largest registration position of the schemes this registered (for results shared between processes).</summary>
    public long RegisteredAt { get; private set; }

    /// <summary>
    /// The answer dependencies of a list query <paramref name="query"/> (markers stripped), with their schemes registered;
    /// <see langword="null"/> when neither rule applies.
    /// </summary>
    public static AnswerDependencies? TryCreate(QueryCache cache, Expression query, QueryAnalysis analysis, IEntityModel model, IQueryDialect? dialect)
    {
        if (ReadChain(query, model, dialect) is not { } chain || FindReadOnce(analysis, chain.RootType) is not { } root)
        {
            return null;
        }

        var registeredAt = 0L;
        Scheme Register(TableModel table, ColumnModel[] columns, ulong mask, SchemeDirection direction)
        {
            var scheme = cache.Schemes.Register(table, columns, mask, direction);
            registeredAt = Math.Max(registeredAt, Volatile.Read(ref scheme.RegisteredAt));
            return scheme;
        }

        // Removals by the answer's keys: the root's groups are registered for arrivals, the key for removals. Only where the
        // root's own keys cannot tell rows apart (an "any row" group: ranges, inequalities, navigations), or for a window,
        // whose rows outside the answer may match: an equality alone already keeps removals of other rows away, and every
        // key costs a slot read on each hit. A scheme's columns are in ordinal order; so are the key's readers.
        Scheme? removals = null;
        var arrivalsMask = 0UL;
        ColumnModel[] key = [.. root.PrimaryKey.OrderBy(static c => c.Ordinal)];
        var coarse = chain.Window || analysis.Groups.Any(g => g.Table == root && g.Columns.Length == 0);
        var rootKey = coarse && key.Length > 0 && key.All(static c => c.CanFormScheme) && (!chain.Window || OrdersUniquely(chain.Orderings, key))
            ? KeyReaders(key, chain.Projection)
            : null;
        if (rootKey is not null)
        {
            // A row outside the answer arrives only by a change of a column the filter or the ordering reads (or as a new row).
            arrivalsMask = FilterMask(chain, root, analysis, model, dialect) | ColumnMask.Of(key);
            var removalsMask = ColumnMask.Of(key);
            foreach (var group in analysis.Groups)
            {
                if (group.Table == root)
                {
                    removalsMask |= group.ReadMask;
                    Register(root, group.Columns, arrivalsMask, SchemeDirection.Arrivals);
                }
            }

            removals = Register(root, key, removalsMask, SchemeDirection.Removals);
        }

        // Loaded children by their parents' keys (entity answers only: a projection drops the loaded rows' parents).
        var loaded = new List<(Scheme, ColumnModel[])>();
        if (chain.Projection is null)
        {
            foreach (var load in chain.Loads)
            {
                if (LoadedChild(load, root, analysis) is { } child)
                {
                    var mask = 0UL;
                    foreach (var group in analysis.Groups)
                    {
                        mask |= group.Table == child.Table ? group.ReadMask : 0;
                    }

                    // Loaded rows are materialized whole; a mask of nothing would let every update pass.
                    loaded.Add((Register(child.Table, child.Columns, mask == 0 ? ColumnMask.All : mask, SchemeDirection.Both), child.ParentColumns));
                }
            }
        }

        // Arrivals through a navigation filter (JoinedArrivals): each root group's arrivals are keyed with the join column too,
        // by the keys a second query reads on the miss. Without removals by the answer's keys, the groups keep their removals.
        var join = JoinedArrivals.TryFind(chain.Filters, chain.Root, root, analysis, model, dialect);
        List<JoinedGroup>? joinedGroups = null;
        if (join is not null)
        {
            joinedGroups = [];
            var joinBit = ColumnMask.Bit(join.RootColumn);
            foreach (var group in analysis.Groups)
            {
                if (group.Table != root)
                {
                    continue;
                }

                if (Array.IndexOf(group.Columns, join.RootColumn) >= 0)
                {
                    // The filter pins the join column already: nothing to narrow.
                    joinedGroups = null;
                    break;
                }

                ColumnModel[] columns = [.. group.Columns.Append(join.RootColumn).OrderBy(static c => c.Ordinal)];
                var arrivals = Register(root, columns, (rootKey is null ? group.ReadMask : arrivalsMask) | joinBit, SchemeDirection.Arrivals);
                var groupRemovals = rootKey is null ? Register(root, group.Columns, group.ReadMask, SchemeDirection.Removals) : null;
                joinedGroups.Add(new JoinedGroup(group, arrivals, Array.IndexOf(columns, join.RootColumn), groupRemovals));
            }

            join = joinedGroups is { Count: > 0 } ? join : null;
        }

        return removals is null && loaded.Count == 0 && join is null
            ? null
            : new AnswerDependencies(root, rootKey, removals, arrivalsMask, loaded, join, join is null ? null : joinedGroups) { RegisteredAt = registeredAt };
    }

    /// <summary>
    /// The entry's keys for <paramref name="answer"/>, reading the join keys first when a navigation filter narrows the root's
    /// arrivals (<see cref="JoinedArrivals"/>); <see langword="null"/> when nothing narrows (the caller keeps the analysis' keys).
    /// </summary>
    public async ValueTask<ulong[]?> KeysForAsync(
        QueryCache cache, QueryAnalysis analysis, object? answer, CacheBotQueryContext context, bool async, CancellationToken cancellationToken)
    {
        if (answer is not IList rows || rows.Count > MaxRows)
        {
            return null;
        }

        List<object?>? joinKeys = null;
        if (_join is not null)
        {
            try
            {
                joinKeys = await _join.ReadKeysAsync(context, async, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Diagnostics.Log.JoinedKeysUnavailable(cache.Logger, _join.Target.QualifiedName, exception);
            }

            if (joinKeys is not null && _joinedGroups!.Any(g => g.Group.Tuples.Count * Math.Max(1, joinKeys.Count) > MaxRows))
            {
                joinKeys = null;
            }
        }

        return joinKeys is null && _removals is null && _loaded.Count == 0 ? null : KeysFor(cache, analysis, rows, joinKeys);
    }

    /// <summary>
    /// The entry's keys for <paramref name="rows"/> (the list's rows) and the join keys (<see langword="null"/> when not read):
    /// the analysis' keys with the rules above applied; <see langword="null"/> when a value cannot be read or encoded (the
    /// caller keeps the analysis' keys).
    /// </summary>
    private ulong[]? KeysFor(QueryCache cache, QueryAnalysis analysis, IList rows, List<object?>? joinKeys)
    {
        var keys = new List<ulong>(analysis.Tables.Count + analysis.Groups.Count + rows.Count);
        var directionalRoot = _removals is not null || joinKeys is not null;
        foreach (var table in analysis.Tables)
        {
            if (table == _root && directionalRoot)
            {
                DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(table, SchemeDirection.Arrivals));
                DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(table, SchemeDirection.Removals));
            }
            else
            {
                DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(table));
            }

            DependencyKeys.AddDistinct(keys, DependencyKeys.DatabaseEpoch(table.Database));
        }

        foreach (var group in analysis.Groups)
        {
            if (IsLoaded(group.Table))
            {
                continue;
            }

            if (group.Table == _root && joinKeys is not null)
            {
                if (!TryAddJoinedKeys(keys, group, joinKeys))
                {
                    return null;
                }

                continue;
            }

            var scheme = group.Table == _root && _removals is not null
                ? cache.Schemes.Register(group.Table, group.Columns, _arrivalsMask, SchemeDirection.Arrivals)
                : cache.Schemes.Register(group.Table, group.Columns, group.ReadMask, SchemeDirection.Both);
            foreach (var tuple in group.Tuples)
            {
                if (!DependencyKeys.TryForTuple(scheme, tuple, out var key))
                {
                    return null;
                }

                DependencyKeys.AddDistinct(keys, key);
            }
        }

        var values = new object?[8];
        foreach (var row in rows)
        {
            if (row is null)
            {
                return null;
            }

            if (_removals is not null && !TryAddKey(keys, _removals, _rootKey!, row, values))
            {
                return null;
            }

            foreach (var (scheme, parentColumns) in _loaded)
            {
                var tuple = values.AsSpan(0, parentColumns.Length);
                for (var i = 0; i < parentColumns.Length; i++)
                {
                    if (!parentColumns[i].TryGetValue(row, out tuple[i]))
                    {
                        return null;
                    }
                }

                if (!DependencyKeys.TryForTuple(scheme, tuple, out var key))
                {
                    return null;
                }

                DependencyKeys.AddDistinct(keys, key);
            }
        }

        return [.. keys];
    }

    /// <summary>
    /// The keys of a root group narrowed by the join keys: its arrivals with each join key (every tuple by every key), and its
    /// removals by its own tuples unless the answer's keys take them.
    /// </summary>
    private bool TryAddJoinedKeys(List<ulong> keys, DependencyGroup group, List<object?> joinKeys)
    {
        var joined = _joinedGroups!.Find(g => g.Group == group)!;
        var tuple = new object?[joined.Arrivals.Columns.Length];
        foreach (var values in group.Tuples)
        {
            if (joined.Removals is not null)
            {
                if (!DependencyKeys.TryForTuple(joined.Removals, values, out var removal))
                {
                    return false;
                }

                DependencyKeys.AddDistinct(keys, removal);
            }

            for (int from = 0, to = 0; to < tuple.Length; to++)
            {
                tuple[to] = to == joined.JoinIndex ? null : values[from++];
            }

            foreach (var joinKey in joinKeys)
            {
                tuple[joined.JoinIndex] = joinKey;
                if (!DependencyKeys.TryForTuple(joined.Arrivals, tuple, out var arrival))
                {
                    return false;
                }

                DependencyKeys.AddDistinct(keys, arrival);
            }
        }

        return true;
    }

    private static bool TryAddKey(List<ulong> keys, Scheme scheme, Func<object, (bool Known, object? Value)>[] readers, object row, object?[] values)
    {
        var tuple = values.AsSpan(0, readers.Length);
        for (var i = 0; i < readers.Length; i++)
        {
            (var known, tuple[i]) = readers[i](row);
            if (!known)
            {
                return false;
            }
        }

        if (!DependencyKeys.TryForTuple(scheme, tuple, out var key))
        {
            return false;
        }

        DependencyKeys.AddDistinct(keys, key);
        return true;
    }

    private bool IsLoaded(TableModel table)
    {
        foreach (var (scheme, _) in _loaded)
        {
            if (scheme.Table == table)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads <c>[Select] [Take(n)] (orderings | Where | loads | pass-through)* root</c>, a window (<c>Take</c>) needing an
    /// ordering; anything else on the chain (<c>Skip</c>, joins, set operations, groupings, distinct) is not a filter of the
    /// root's rows whose rows outside the answer can be told apart.
    /// </summary>
    private static Chain? ReadChain(Expression query, IEntityModel model, IQueryDialect? dialect)
    {
        LambdaExpression? projection = null;
        var node = query;
        if (node is MethodCallExpression { Method.Name: nameof(Queryable.Select), Arguments.Count: 2 } select
            && select.Method.DeclaringType == typeof(Queryable) && QueryAnalyzer.GetLambda(select.Arguments[1]) is { Parameters.Count: 1 } selector)
        {
            projection = selector.Body == selector.Parameters[0] ? null : selector;
            node = select.Arguments[0];
        }

        var window = false;
        if (node is MethodCallExpression { Method.Name: nameof(Queryable.Take), Arguments.Count: 2 } take
            && take.Method.DeclaringType == typeof(Queryable) && take.Arguments[1].Type == typeof(int))
        {
            window = true;
            node = take.Arguments[0];
        }

        var loads = new List<LambdaExpression>();
        var filters = new List<MethodCallExpression>();
        var orderings = new List<LambdaExpression>();
        var ordered = false;
        while (node is MethodCallExpression call && !MonotoneExistence.IsTableRoot(call, model, dialect))
        {
            if (call.Arguments.Count == 0)
            {
                return null;
            }

            if (call.Method.DeclaringType == typeof(Queryable))
            {
                if (call.Method.Name is not (nameof(Queryable.Where) or nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending)
                        or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending))
                    || call.Arguments.Count != 2 || QueryAnalyzer.GetLambda(call.Arguments[1]) is not { Parameters.Count: 1 } lambda)
                {
                    return null;
                }

                filters.Add(call);
                if (call.Method.Name != nameof(Queryable.Where) && !ordered)
                {
                    // The last OrderBy and the ThenBys after it decide the order (an earlier OrderBy is overridden).
                    orderings.Add(lambda);
                    ordered = call.Method.Name is nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending);
                }
            }
            else
            {
                switch (dialect?.ClassifyChainMethod(call.Method))
                {
                    case ChainMethodKind.LoadWith:
                        if (call.Arguments.Count == 2 && QueryAnalyzer.GetLambda(call.Arguments[1]) is { } path)
                        {
                            loads.Add(path);
                        }

                        break;
                    case ChainMethodKind.PassThrough:
                        break;
                    default:
                        return null;
                }
            }

            node = call.Arguments[0];
        }

        if (!MonotoneExistence.IsTableRoot(node, model, dialect) || TypeHelpers.GetSequenceElement(node.Type) is not { } element
            || (projection is not null && projection.Parameters[0].Type != element) || (window && !ordered))
        {
            return null;
        }

        filters.Reverse();
        return new Chain(element, node, projection, loads, filters, window, orderings);
    }

    /// <summary>Whether the ordering's keys are plain columns that include the primary key (no ties: the window is one set of rows).</summary>
    private static bool OrdersUniquely(List<LambdaExpression> orderings, ColumnModel[] key)
    {
        foreach (var column in key)
        {
            var found = false;
            foreach (var ordering in orderings)
            {
                found |= IsColumn(ordering.Body, ordering.Parameters[0], column);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The columns of <paramref name="root"/> the filters and orderings read: <c>Count()</c> of the chain without its
    /// projection, window and loads, through <see cref="ColumnUsage"/> (a navigation reads its key, a row used whole all).
    /// </summary>
    private static ulong FilterMask(Chain chain, TableModel root, QueryAnalysis analysis, IEntityModel model, IQueryDialect? dialect)
    {
        var source = chain.Root;
        foreach (var call in chain.Filters)
        {
            source = Expression.Call(call.Method, [source, .. call.Arguments.Skip(1)]);
        }

        var count = Expression.Call(typeof(Queryable), nameof(Queryable.Count), [chain.RootType], source);
        return ColumnUsage.Compute(count, analysis.Tables, dialect, model).TryGetValue(root, out var mask) ? mask : ColumnMask.All;
    }

    private static TableModel? FindReadOnce(QueryAnalysis analysis, Type rootType)
    {
        TableModel? found = null;
        foreach (var table in analysis.Tables)
        {
            if (table.EntityType == rootType)
            {
                if (found is not null)
                {
                    return null;
                }

                found = table;
            }
        }

        return found is not null && analysis.ReadOnce.Contains(found) ? found : null;
    }

    /// <summary>How to read each key column of the root from an answer row: the entity itself, or the projection's member that holds it.</summary>
    private static Func<object, (bool, object?)>[]? KeyReaders(ColumnModel[] key, LambdaExpression? projection)
    {
        var readers = new Func<object, (bool, object?)>[key.Length];
        for (var i = 0; i < readers.Length; i++)
        {
            var column = key[i];
            if (projection is null)
            {
                readers[i] = row => (column.TryGetValue(row, out var value), value);
                continue;
            }

            var body = projection.Body;
            var row = projection.Parameters[0];
            if (readers.Length == 1 && IsColumn(body, row, column))
            {
                readers[i] = static value => (true, value);
                continue;
            }

            var member = body switch
            {
                NewExpression { Members: { } members } created => created.Arguments.Select((a, n) => IsColumn(a, row, column) ? members[n] : null).FirstOrDefault(m => m is not null),
                MemberInitExpression { NewExpression.Arguments.Count: 0 } init => init.Bindings.OfType<MemberAssignment>().FirstOrDefault(b => IsColumn(b.Expression, row, column))?.Member,
                _ => null,
            };
            if (member is null)
            {
                return null;
            }

            var getter = Getters.GetOrAdd(member, MemberGetters.Create);
            readers[i] = value => (true, getter(value));
        }

        return readers;
    }

    private static bool IsColumn(Expression node, ParameterExpression row, ColumnModel column) =>
        node is MemberExpression member && member.Expression == row && MemberKeyComparer.Instance.Equals(member.Member, column.Member);

    /// <summary>A load of one navigation of the root (<c>p =&gt; p.Tags</c>) whose child table is read nowhere else, with its key columns on both sides.</summary>
    private static (TableModel Table, ColumnModel[] Columns, ColumnModel[] ParentColumns)? LoadedChild(LambdaExpression load, TableModel root, QueryAnalysis analysis)
    {
        if (load.Parameters is not [var row] || row.Type != root.EntityType
            || load.Body is not MemberExpression navigation || navigation.Expression != row
            || root.FindAssociation(navigation.Member) is not { HasKeys: true, ThroughTables.Count: 0, ReadsUnnamedTables: false } association)
        {
            return null;
        }

        TableModel? child = null;
        foreach (var table in analysis.Tables)
        {
            if (table.EntityType == association.TargetType)
            {
                child = child is null ? table : null;
                if (child is null)
                {
                    return null;
                }
            }
        }

        if (child is null || child == root || !analysis.ReadOnce.Contains(child))
        {
            return null;
        }

        var columns = new ColumnModel[association.OtherKeys.Count];
        var parents = new ColumnModel[association.ThisKeys.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            if (child.FindColumn(association.OtherKeys[i]) is not { CanFormScheme: true } column || root.FindColumn(association.ThisKeys[i]) is not { } parent)
            {
                return null;
            }

            columns[i] = column;
            parents[i] = parent;
        }

        // A scheme's columns are in ordinal order: sort both sides together.
        var order = Enumerable.Range(0, columns.Length).OrderBy(i => columns[i].Ordinal).ToArray();
        return (child, [.. order.Select(i => columns[i])], [.. order.Select(i => parents[i])]);
    }

    /// <summary>A root group with its arrivals scheme narrowed by the join column (at <see cref="JoinIndex"/>), and its removals scheme when the answer's keys do not take them.</summary>
    private sealed record JoinedGroup(DependencyGroup Group, Scheme Arrivals, int JoinIndex, Scheme? Removals);

    private sealed record Chain(
        Type RootType, Expression Root, LambdaExpression? Projection, List<LambdaExpression> Loads, List<MethodCallExpression> Filters, bool Window,
        List<LambdaExpression> Orderings);
}

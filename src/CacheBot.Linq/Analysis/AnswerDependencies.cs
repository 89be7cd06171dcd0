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
    private FilteredWindow? _window;
    private List<object?>? _windowKeys;
    private ArrivalRange? _arrivalRange;
    private CountWitnesses? _witnesses;
    private Func<object, (bool Known, object? Value)>[]? _answerKey;

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
        Scheme Register(TableModel table, ColumnModel[] columns, ulong mask, SchemeDirection direction, bool isRange = false)
        {
            var scheme = cache.Schemes.Register(table, columns, mask, direction, isRange);
            registeredAt = Math.Max(registeredAt, Volatile.Read(ref scheme.RegisteredAt));
            return scheme;
        }

        // Removals by the answer's keys: the root's groups are registered for arrivals, the key for removals. Only where the
        // root's own keys cannot tell rows apart (an "any row" group: ranges, inequalities, navigations), or for a window,
        // whose rows outside the answer may match: an equality alone already keeps removals of other rows away, and every
        // key costs a slot read on each hit. A scheme's columns are in ordinal order; so are the key's readers.
        Scheme? removals = null;
        ArrivalRange? arrivalRange = null;
        var arrivalsMask = 0UL;
        ColumnModel[] key = [.. root.PrimaryKey.OrderBy(static c => c.Ordinal)];
        var coarse = chain.Window || analysis.Groups.Any(g => g.Table == root && g.Columns.Length == 0);
        var rootKey = coarse && chain.PostFilters.Count == 0 && key.Length > 0 && key.All(static c => c.CanFormScheme) && (!chain.Window || OrdersUniquely(chain.Orderings, key))
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
            if (analysis.Groups.All(g => g.Table != root || g.Columns.Length == 0))
            {
                arrivalRange = CreateArrivalRange(chain, root, key, arrivalsMask, Register);
            }
        }

        // A window filtered after its Take: the answer holds only the window's rows that pass the later filter, so the window's
        // keys come from a key query run before the list (see ReadWindowKeysAsync); its removals hit them, and any row arriving
        // by a column the window's own filter or ordering reads is an arrival (the groups mix the later filter in).
        FilteredWindow? window = null;
        if (chain.PostFilters.Count > 0 && key is [{ CanFormScheme: true } single] && OrdersUniquely(chain.Orderings, key))
        {
            // A row of the window leaves it by a change of a column its filter or ordering reads (or by a delete); it changes the
            // answer in place only when an image of it passes the later filter too, which the root's groups (a weakening of both
            // filters) key, with the row's key added.
            arrivalsMask = FilterMask(chain, root, analysis, model, dialect) | ColumnMask.Of(key);
            removals = Register(root, key, arrivalsMask, SchemeDirection.Removals);
            List<JoinedGroup> windowGroups = [];
            var readMask = 0UL;
            foreach (var group in analysis.Groups)
            {
                readMask |= group.Table == root ? group.ReadMask : 0;
            }

            // The analysis keys a filter after a window as any row; its own equalities with captured values key it here.
            var later = PostFilterEqualities(chain.PostFilters, root, single);
            var groups = later is null ? analysis.Groups.Where(g => g.Table == root) : [later];
            foreach (var group in groups)
            {
                var keyed = Array.IndexOf(group.Columns, single) >= 0;
                ColumnModel[] columns = keyed ? group.Columns : [.. group.Columns.Append(single).OrderBy(static c => c.Ordinal)];
                var mask = later is null ? group.ReadMask : readMask == 0 ? ColumnMask.All : readMask;
                windowGroups.Add(new JoinedGroup(group, Register(root, columns, mask, SchemeDirection.Both), keyed ? -1 : Array.IndexOf(columns, single), null));
            }

            window = new FilteredWindow(KeyQuery.Create(chain.WindowNode!, single), Register(root, [], arrivalsMask, SchemeDirection.Arrivals), windowGroups);
            arrivalRange = CreateArrivalRange(chain, root, key, arrivalsMask, Register);
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
        var join = chain.PostFilters.Count == 0 ? JoinedArrivals.TryFind(chain.Filters, chain.Root, root, analysis, model, dialect) : null;
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

        // A threshold on a navigation's count (CountWitnesses): the navigation's table keyed by witnesses and join values, which
        // need the answer's root keys.
        var answerKey = chain.Window || chain.PostFilters.Count > 0 ? null : rootKey ?? KeyReaders(key, chain.Projection);
        var witnesses = answerKey is [_] ? CountWitnesses.TryFind(chain.Filters, chain.Root, root, analysis, (t, c, m, d) => Register(t, c, m, d)) : null;

        return removals is null && loaded.Count == 0 && join is null && witnesses is null
            ? null
            : new AnswerDependencies(root, rootKey, removals, arrivalsMask, loaded, join, join is null ? null : joinedGroups)
            {
                RegisteredAt = registeredAt,
                _window = window,
                _arrivalRange = arrivalRange,
                _witnesses = witnesses,
                _answerKey = witnesses is null ? null : answerKey,
            };
    }

    /// <summary>
    /// Reads the keys of a window filtered after its <c>Take</c>, before the list itself runs (a no-op for any other list).
    /// Before, not after: a write between the two that changes the window removes one of these rows or arrives, and so reaches
    /// the entry; read after, the keys would already be the new window's, and the write that changed it would reach no key.
    /// </summary>
    public async ValueTask ReadWindowKeysAsync(QueryCache cache, CacheBotQueryContext context, bool async, CancellationToken cancellationToken)
    {
        if (_window is null)
        {
            return;
        }

        try
        {
            _windowKeys = await _window.KeysQuery.ReadAsync(context, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Diagnostics.Log.KeyQueryFailed(cache.Logger, _root.QualifiedName, exception);
        }
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

        if (_window is not null)
        {
            return _windowKeys is null ? null : WindowKeysFor(cache, analysis, _window, _windowKeys);
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
                Diagnostics.Log.KeyQueryFailed(cache.Logger, _join.Target.QualifiedName, exception);
            }

            if (joinKeys is not null && _joinedGroups!.Any(g => g.Group.Tuples.Count * Math.Max(1, joinKeys.Count) > MaxRows))
            {
                joinKeys = null;
            }
        }

        // Witnesses only without join keys, never both: the join keys narrow the root's arrivals on the premise that the query
        // holds every change of the navigation's matching rows, which the witnesses narrow in turn (a matching row written for a
        // root row that does not exist yet, then that root row arriving, would reach neither).
        var witnessKeys = _witnesses is null || joinKeys is not null
            ? null
            : await WitnessKeysAsync(cache, _witnesses, rows, context, async, cancellationToken).ConfigureAwait(false);
        return joinKeys is null && _removals is null && _loaded.Count == 0 && witnessKeys is null ? null : KeysFor(cache, analysis, rows, joinKeys, witnessKeys);
    }

    /// <summary>
    /// The keys of the navigation's table under a count threshold (<see cref="CountWitnesses"/>), from a second query;
    /// <see langword="null"/> when they cannot be read or do not hold (the table then keeps the analysis' keys).
    /// </summary>
    private async ValueTask<List<ulong>?> WitnessKeysAsync(
        QueryCache cache, CountWitnesses witnesses, IList rows, CacheBotQueryContext context, bool async, CancellationToken cancellationToken)
    {
        var answerKeys = new List<object?>(rows.Count);
        foreach (var row in rows)
        {
            if (row is null || _answerKey![0](row) is not (true, { } value))
            {
                return null;
            }

            answerKeys.Add(value);
        }

        try
        {
            var read = await witnesses.ReadAsync(context, async, cancellationToken).ConfigureAwait(false);
            var keys = new List<ulong>();
            return read is not null && witnesses.TryAddKeys(keys, answerKeys, read) ? keys : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Diagnostics.Log.KeyQueryFailed(cache.Logger, witnesses.Target.QualifiedName, exception);
            return null;
        }
    }

    /// <summary>
    /// The entry's keys for <paramref name="rows"/> (the list's rows) and the join keys (<see langword="null"/> when not read):
    /// the analysis' keys with the rules above applied; <see langword="null"/> when a value cannot be read or encoded (the
    /// caller keeps the analysis' keys).
    /// </summary>
    private ulong[]? KeysFor(QueryCache cache, QueryAnalysis analysis, IList rows, List<object?>? joinKeys, List<ulong>? witnessKeys)
    {
        var keys = new List<ulong>(analysis.Tables.Count + analysis.Groups.Count + rows.Count + (witnessKeys?.Count ?? 0));
        AddTableKeys(keys, analysis, directionalRoot: _removals is not null || joinKeys is not null, witnessKeys is null ? null : _witnesses!.Target);
        if (witnessKeys is not null)
        {
            foreach (var key in witnessKeys)
            {
                DependencyKeys.AddDistinct(keys, key);
            }
        }

        foreach (var group in analysis.Groups)
        {
            if (IsLoaded(group.Table) || (witnessKeys is not null && group.Table == _witnesses!.Target))
            {
                continue;
            }

            if (group.Table == _root && joinKeys is not null)
            {
                if (!TryAddKeyedTuples(keys, _joinedGroups!.Find(g => g.Group == group)!, joinKeys))
                {
                    return null;
                }

                continue;
            }

            if (group.Table == _root && _removals is not null && group.Columns.Length == 0
                && _arrivalRange?.TryAddCover(keys, RowKeys(rows), rows.Count) == true)
            {
                // Any row of the root, but only within the range (and before a full window's last key) can arrive.
                continue;
            }

            var scheme = group.Table == _root && _removals is not null
                ? cache.Schemes.Register(group.Table, group.Columns, _arrivalsMask, SchemeDirection.Arrivals)
                : cache.Schemes.Register(group.Table, group.Columns, group.ReadMask, SchemeDirection.Both);
            if (!TryAddTuples(keys, scheme, group))
            {
                return null;
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

                if (!DependencyKeys.TryAddForTuple(keys, scheme, tuple))
                {
                    return null;
                }
            }
        }

        return [.. keys];
    }

    /// <summary>
    /// The keys of a window filtered after its <c>Take</c>: the analysis' keys for the other tables, and for the root its
    /// arrivals (any row, by the columns the window's filter and ordering read) and the removals of the window's rows.
    /// </summary>
    private ulong[]? WindowKeysFor(QueryCache cache, QueryAnalysis analysis, FilteredWindow window, List<object?> windowKeys)
    {
        var keys = new List<ulong>(analysis.Tables.Count + analysis.Groups.Count + windowKeys.Count);
        AddTableKeys(keys, analysis, directionalRoot: true, directionalOther: null);
        foreach (var joined in window.Groups)
        {
            if (!TryAddKeyedTuples(keys, joined, windowKeys))
            {
                return null;
            }
        }

        foreach (var group in analysis.Groups)
        {
            if (group.Table != _root && !TryAddTuples(keys, cache.Schemes.Register(group.Table, group.Columns, group.ReadMask, SchemeDirection.Both), group))
            {
                return null;
            }
        }

        // Only a row arriving within the range (before a full window's last key) can enter; without one, any row arriving.
        if (_arrivalRange?.TryAddCover(keys, windowKeys, windowKeys.Count) != true && !DependencyKeys.TryAddForTuple(keys, window.Arrivals, []))
        {
            return null;
        }

        foreach (var windowKey in windowKeys)
        {
            if (!DependencyKeys.TryAddForTuple(keys, _removals!, [windowKey]))
            {
                return null;
            }
        }

        return [.. keys];
    }

    /// <summary>
    /// The table and database keys of every table the query reads: those of both directions for the root when its keys are
    /// directional, and for <paramref name="directionalOther"/> (a navigation's table keyed by witnesses).
    /// </summary>
    private void AddTableKeys(List<ulong> keys, QueryAnalysis analysis, bool directionalRoot, TableModel? directionalOther)
    {
        foreach (var table in analysis.Tables)
        {
            if ((table == _root && directionalRoot) || table == directionalOther)
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
    }

    /// <summary>Adds the keys of <paramref name="group"/>'s tuples in <paramref name="scheme"/>; false when a value cannot be encoded.</summary>
    private static bool TryAddTuples(List<ulong> keys, Scheme scheme, DependencyGroup group)
    {
        foreach (var tuple in group.Tuples)
        {
            if (!DependencyKeys.TryAddForTuple(keys, scheme, tuple))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The keys of a root group with one more column, <paramref name="values"/> (join keys, or a window's keys) taking each
    /// value for every tuple (at <see cref="JoinedGroup.ValueIndex"/>; -1: the group pins that column already, and its tuples
    /// are its keys), and the group's own tuples in its removals scheme when it has one.
    /// </summary>
    private static bool TryAddKeyedTuples(List<ulong> keys, JoinedGroup joined, List<object?> values)
    {
        var group = joined.Group;
        if (group.Tuples.Count * Math.Max(1, values.Count) > MaxRows)
        {
            return false;
        }

        foreach (var own in group.Tuples)
        {
            if ((joined.Removals is not null && !DependencyKeys.TryAddForTuple(keys, joined.Removals, own))
                || (joined.ValueIndex < 0 && !DependencyKeys.TryAddForTuple(keys, joined.Scheme, own)))
            {
                return false;
            }
        }

        return joined.ValueIndex < 0 || DependencyKeys.TryAddWithValues(keys, joined.Scheme, group.Tuples, joined.ValueIndex, values);
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

        return DependencyKeys.TryAddForTuple(keys, scheme, tuple);
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

        // Filters after a window (Take(n).Where(...)): kept apart, since the window's rows are not the answer's.
        var postFilters = new List<MethodCallExpression>();
        var below = node;
        while (below is MethodCallExpression { Method.Name: nameof(Queryable.Where), Arguments.Count: 2 } post
            && post.Method.DeclaringType == typeof(Queryable) && QueryAnalyzer.GetLambda(post.Arguments[1]) is { Parameters.Count: 1 })
        {
            postFilters.Add(post);
            below = post.Arguments[0];
        }

        if (postFilters.Count > 0 && below is MethodCallExpression { Method.Name: nameof(Queryable.Take) })
        {
            node = below;
        }
        else
        {
            postFilters.Clear();
        }

        var window = false;
        Expression? windowNode = null;
        if (node is MethodCallExpression { Method.Name: nameof(Queryable.Take), Arguments.Count: 2 } take
            && take.Method.DeclaringType == typeof(Queryable) && take.Arguments[1].Type == typeof(int))
        {
            window = true;
            windowNode = take;
            node = take.Arguments[0];
        }
        else if (postFilters.Count > 0)
        {
            return null;
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
        return new Chain(element, node, projection, loads, filters, window, orderings, postFilters, windowNode);
    }

    /// <summary>
    /// The equalities of the filters after a window with captured values, <c>p.Column == value</c> among their top-level
    /// conjuncts, as one group of one tuple (a row of the window changes the answer only when an image of it passes them);
    /// <see langword="null"/> when there are none. Only columns that can form a scheme, other than <paramref name="key"/>, with
    /// a value of the column's own type.
    /// </summary>
    private static DependencyGroup? PostFilterEqualities(List<MethodCallExpression> filters, TableModel root, ColumnModel key)
    {
        var found = new SortedDictionary<int, (ColumnModel Column, object Value)>();
        foreach (var (node, row) in Conjuncts.OfFilters(filters))
        {
            if (node is BinaryExpression { NodeType: ExpressionType.Equal } equal
                && (equal.Method is null || equal.Method.DeclaringType == typeof(string))
                && (Equality(equal.Left, equal.Right) ?? Equality(equal.Right, equal.Left)) is { } pair)
            {
                found[pair.Column.Ordinal] = pair;
            }

            (ColumnModel Column, object Value)? Equality(Expression side, Expression other) =>
                side is MemberExpression member && member.Expression == row
                && root.FindColumn(member.Member) is { CanFormScheme: true } column && column != key
                && CapturedValues.TryEvaluate(other, out var value) && value is not null
                && value.GetType() == (Nullable.GetUnderlyingType(column.ClrType) ?? column.ClrType)
                    ? (column, value)
                    : null;
        }

        if (found.Count == 0)
        {
            return null;
        }

        var group = new DependencyGroup(root, [.. found.Values.Select(static f => f.Column)], ColumnMask.All);
        group.Tuples.Add([.. found.Values.Select(static f => f.Value)]);
        return group;
    }

    /// <summary>The values of the root's (single-column) key in the answer's rows; null where one cannot be read.</summary>
    private IEnumerable<object?> RowKeys(IList rows)
    {
        foreach (var row in rows)
        {
            yield return row is null || _rootKey is not [var reader] ? null : reader(row) is (true, var value) ? value : null;
        }
    }

    /// <summary>
    /// The range the root's arrivals can be narrowed to (see <see cref="ArrivalRange"/>), with its scheme registered: on the
    /// window's ordering column when the window is ordered by an integer key alone (intersected with the filter's bounds on
    /// it), else on the column the filter bounds; <see langword="null"/> when neither applies.
    /// </summary>
    private static ArrivalRange? CreateArrivalRange(
        Chain chain, TableModel root, ColumnModel[] key, ulong arrivalsMask, Func<TableModel, ColumnModel[], ulong, SchemeDirection, bool, Scheme> register)
    {
        var window = chain.Window && key is [var single] ? WindowBound(chain, single) : null;
        var bounds = FilterBounds(chain, root, window is null ? null : key[0]);
        if (window is { } w)
        {
            var (low, high) = bounds is { } b ? (b.Low, b.High) : (long.MinValue, long.MaxValue);
            return new ArrivalRange(register(root, key, arrivalsMask, SchemeDirection.Arrivals, true), low, high, w.Size, w.Descending);
        }

        return bounds is { } only
            ? new ArrivalRange(register(root, [only.Column], arrivalsMask, SchemeDirection.Arrivals, true), only.Low, only.High, 0, false)
            : null;
    }

    /// <summary>
    /// The bounds the filter's top-level conjuncts set on one integer column of the root (<paramref name="column"/>, or the
    /// first one bounded): comparisons <c>p.Column &gt; value</c> (or <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>, either side) with a
    /// captured integer value, inclusive; <see langword="null"/> when there are none. A bound that cannot be read is left out,
    /// which only widens the range.
    /// </summary>
    private static (ColumnModel Column, long Low, long High)? FilterBounds(Chain chain, TableModel root, ColumnModel? column)
    {
        (ColumnModel Column, long Low, long High)? found = null;
        foreach (var (node, row) in Conjuncts.OfFilters(chain.Filters))
        {
            if (node is not BinaryExpression { NodeType: ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual, Method: null } compare)
            {
                continue;
            }

            foreach (var (side, other, flipped) in new[] { (compare.Left, compare.Right, false), (compare.Right, compare.Left, true) })
            {
                if (StripWidening(side) is not MemberExpression member || member.Expression != row
                    || root.FindColumn(member.Member) is not { } bounded || !IsIntegerColumn(bounded)
                    || (column ?? found?.Column) is { } wanted && wanted != bounded
                    || !CapturedValues.TryEvaluate(other, out var value) || !DependencyKeys.TryInteger(value, out var bound))
                {
                    continue;
                }

                var (low, high) = found is { } f ? (f.Low, f.High) : (long.MinValue, long.MaxValue);
                var kind = flipped ? Flip(compare.NodeType) : compare.NodeType;
                (low, high) = kind switch
                {
                    ExpressionType.GreaterThan => (Math.Max(low, bound == long.MaxValue ? long.MaxValue : bound + 1), bound == long.MaxValue ? long.MinValue : high),
                    ExpressionType.GreaterThanOrEqual => (Math.Max(low, bound), high),
                    ExpressionType.LessThan => (bound == long.MinValue ? long.MaxValue : low, Math.Min(high, bound == long.MinValue ? long.MinValue : bound - 1)),
                    _ => (low, Math.Min(high, bound)),
                };
                found = (bounded, low, high);
                break;
            }
        }

        return found;
    }

    private static ExpressionType Flip(ExpressionType comparison) => comparison switch
    {
        ExpressionType.GreaterThan => ExpressionType.LessThan,
        ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
        ExpressionType.LessThan => ExpressionType.GreaterThan,
        _ => ExpressionType.GreaterThanOrEqual,
    };

    /// <summary>A column under conversions to a wider integer type (which keep its order); anything else unchanged.</summary>
    private static Expression StripWidening(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert, Method: null } convert
            && TypeHelpers.IsKeyIntegerType(convert.Operand.Type) && TypeHelpers.IsKeyIntegerType(convert.Type) && TypeHelpers.IsIntegerWidening(convert.Operand.Type, convert.Type))
        {
            node = convert.Operand;
        }

        return node;
    }

    private static bool IsIntegerColumn(ColumnModel column) => column.CanFormScheme && TypeHelpers.IsKeyIntegerType(column.ClrType);

    /// <summary>
    /// The size and direction of a window ordered by <paramref name="key"/> alone, an integer column (so its last key bounds
    /// the rows that can enter it), with a size the query captured; <see langword="null"/> otherwise.
    /// </summary>
    private static (int Size, bool Descending)? WindowBound(Chain chain, ColumnModel key)
    {
        if (chain.Orderings is not [var ordering] || !IsColumn(ordering.Body, ordering.Parameters[0], key)
            || !IsIntegerColumn(key)
            || chain.WindowNode is not MethodCallExpression take || !CapturedValues.TryEvaluate(take.Arguments[1], out var size) || size is not int count || count < 1)
        {
            return null;
        }

        foreach (var call in chain.Filters)
        {
            if (call.Method.Name is nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending) && QueryAnalyzer.GetLambda(call.Arguments[1]) == ordering)
            {
                return (count, call.Method.Name == nameof(Queryable.OrderByDescending));
            }
        }

        return null;
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
            || root.FindAssociation(navigation.Member) is not { HasKeys: true, ThroughTables.Count: 0, ReadsUnnamedTables: false } association
            || (!association.IsCollection && !association.IsOptional))
        {
            // A required to-one load (an inner join) drops the rows without a target: their keys are not in the answer.
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

    /// <summary>A window filtered after its <c>Take</c>: the query of its keys, the root's arrivals scheme, and its rows' groups keyed by their keys.</summary>
    private sealed record FilteredWindow(KeyQuery KeysQuery, Scheme Arrivals, List<JoinedGroup> Groups);

    /// <summary>
    /// A root group keyed with one more column (at <see cref="ValueIndex"/> in <see cref="Scheme"/>'s columns): its arrivals by a
    /// navigation's join keys, or its changes by a window's keys; with its removals scheme when nothing else keys them.
    /// </summary>
    private sealed record JoinedGroup(DependencyGroup Group, Scheme Scheme, int ValueIndex, Scheme? Removals);

    private sealed record Chain(
        Type RootType, Expression Root, LambdaExpression? Projection, List<LambdaExpression> Loads, List<MethodCallExpression> Filters, bool Window,
        List<LambdaExpression> Orderings, List<MethodCallExpression> PostFilters, Expression? WindowNode);
}

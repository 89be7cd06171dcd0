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
/// then hold for arrivals only (new images), and removals (old images) hit the keys of the rows in the answer.</item>
/// <item><b>Loaded children by their parents' keys.</b> <c>LoadWith(p =&gt; p.Tags)</c> / <c>Include</c> loads the rows whose
/// foreign key holds a key of a parent in the answer (the parents' own changes are the root's dependencies): the child table,
/// read nowhere else, depends on those key values only, instead of any row.</item>
/// </list>
/// </summary>
/// <remarks>
/// Anything else keeps the analysis' own keys: <c>Take</c>/<c>Skip</c>/<c>Distinct</c>, joins, set operations, aggregates, a
/// root table read twice (a subquery over the same table can make a row match when another leaves), a composite or
/// unencodable key, loaded paths deeper than one navigation, many-to-many loads, and answers above 64 rows (each key is a slot read
/// on every hit). Removals by the answer's keys apply only where the root has an "any row" group: equalities already narrow them.
/// </remarks>
internal sealed class AnswerDependencies
{
    private const int MaxRows = 64;

    private static readonly ConcurrentDictionary<MemberInfo, Func<object, object?>> Getters = new();

    private readonly TableModel? _root;
    private readonly Func<object, (bool Known, object? Value)>[]? _rootKey;
    private readonly Scheme? _removals;
    private readonly List<(Scheme Scheme, ColumnModel[] ParentColumns)> _loaded;

    private AnswerDependencies(TableModel? root, Func<object, (bool, object?)>[]? rootKey, Scheme? removals, List<(Scheme, ColumnModel[])> loaded)
    {
        _root = root;
        _rootKey = rootKey;
        _removals = removals;
        _loaded = loaded;
    }

    /// <summary>Gets the largest registration position of the schemes this registered (for results shared between processes).</summary>
    public long RegisteredAt { get; private set; }

    /// <summary>
    /// The answer dependencies of a list query <paramref name="query"/> (markers stripped), with their schemes registered;
    /// <see langword="null"/> when neither rule applies.
    /// </summary>
    public static AnswerDependencies? TryCreate(QueryCache cache, Expression query, QueryAnalysis analysis, IQueryDialect? dialect)
    {
        if (!TryReadChain(query, dialect, out var rootType, out var projection, out var loads)
            || FindReadOnce(analysis, rootType) is not { } root)
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

        // Removals by the answer's keys: the root's groups are registered for arrivals, the key for removals.
        Scheme? removals = null;
        // A scheme's columns are in ordinal order; so are the key's readers.
        ColumnModel[] key = [.. root.PrimaryKey.OrderBy(static c => c.Ordinal)];
        // Only where the root's own keys cannot tell rows apart (an "any row" group: ranges, inequalities, navigations): an
        // equality already keeps removals of other rows away, and every key costs a slot read on each hit.
        var coarse = analysis.Groups.Any(g => g.Table == root && g.Columns.Length == 0);
        var rootKey = coarse && key.Length > 0 && key.All(static c => c.CanFormScheme) ? KeyReaders(key, projection) : null;
        if (rootKey is not null)
        {
            var mask = ColumnMask.Of(key);
            foreach (var group in analysis.Groups)
            {
                if (group.Table == root)
                {
                    mask |= group.ReadMask;
                    Register(root, group.Columns, group.ReadMask, SchemeDirection.Arrivals);
                }
            }

            removals = Register(root, key, mask, SchemeDirection.Removals);
        }

        // Loaded children by their parents' keys (entity answers only: a projection drops the loaded rows' parents).
        var loaded = new List<(Scheme, ColumnModel[])>();
        if (projection is null)
        {
            foreach (var load in loads)
            {
                if (LoadedChild(load, root, analysis) is { } child)
                {
                    var mask = 0UL;
                    foreach (var group in analysis.Groups)
                    {
                        mask |= group.Table == child.Table ? group.ReadMask : 0;
                    }

                    loaded.Add((Register(child.Table, child.Columns, mask, SchemeDirection.Both), child.ParentColumns));
                }
            }
        }

        return removals is null && loaded.Count == 0
            ? null
            : new AnswerDependencies(rootKey is null ? null : root, rootKey, removals, loaded) { RegisteredAt = registeredAt };
    }

    /// <summary>
    /// The entry's keys for <paramref name="answer"/> (the list's rows): the analysis' keys with the rules above applied;
    /// <see langword="null"/> when a value cannot be read or encoded, or the answer is too long (the caller keeps the analysis' keys).
    /// </summary>
    public ulong[]? KeysFor(QueryCache cache, QueryAnalysis analysis, object? answer)
    {
        if (answer is not IList rows || rows.Count > MaxRows)
        {
            return null;
        }

        var keys = new List<ulong>(analysis.Tables.Count + analysis.Groups.Count + rows.Count);
        foreach (var table in analysis.Tables)
        {
            if (table == _root)
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

            var scheme = cache.Schemes.Register(group.Table, group.Columns, group.ReadMask, group.Table == _root ? SchemeDirection.Arrivals : SchemeDirection.Both);
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
    /// Reads <c>[Select](orderings | Where | loads | pass-through)* root</c>; anything else on the chain (positions, joins, set
    /// operations, groupings, distinct) is not a filter of the root's rows.
    /// </summary>
    private static bool TryReadChain(Expression query, IQueryDialect? dialect, out Type rootType, out LambdaExpression? projection, out List<LambdaExpression> loads)
    {
        rootType = typeof(object);
        projection = null;
        loads = [];
        var node = query;
        if (node is MethodCallExpression { Method.Name: nameof(Queryable.Select), Arguments.Count: 2 } select
            && select.Method.DeclaringType == typeof(Queryable) && Lambda(select.Arguments[1]) is { Parameters.Count: 1 } selector)
        {
            projection = selector.Body == selector.Parameters[0] ? null : selector;
            node = select.Arguments[0];
        }

        while (node is MethodCallExpression call && !MonotoneExistence.IsTableRoot(call))
        {
            if (call.Method.DeclaringType == typeof(Queryable))
            {
                if (call.Method.Name is not (nameof(Queryable.Where) or nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending)
                        or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending))
                    || call.Arguments.Count != 2 || Lambda(call.Arguments[1]) is not { Parameters.Count: 1 })
                {
                    return false;
                }
            }
            else
            {
                switch (dialect?.ClassifyChainMethod(call.Method))
                {
                    case ChainMethodKind.LoadWith:
                        if (call.Arguments.Count == 2 && Lambda(call.Arguments[1]) is { } path)
                        {
                            loads.Add(path);
                        }

                        break;
                    case ChainMethodKind.PassThrough:
                        break;
                    default:
                        return false;
                }
            }

            node = call.Arguments.Count > 0 ? call.Arguments[0] : node;
            if (call.Arguments.Count == 0)
            {
                return false;
            }
        }

        if (!MonotoneExistence.IsTableRoot(node) || ElementType(node.Type) is not { } element)
        {
            return false;
        }

        rootType = element;
        return projection is null || projection.Parameters[0].Type == element;
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

    private static LambdaExpression? Lambda(Expression argument) =>
        (argument is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : argument) as LambdaExpression;

    private static Type? ElementType(Type queryable)
    {
        foreach (var type in queryable.GetInterfaces().Prepend(queryable))
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IQueryable<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }
}

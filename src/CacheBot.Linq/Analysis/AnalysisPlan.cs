using System.Linq.Expressions;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// The analysis of one query shape with its values in slots: another query of the same shape gets its analysis by reading its
/// own values at the slots' positions, without running <see cref="QueryAnalyzer"/> again (issue 10, "Misses").
/// </summary>
/// <remarks>
/// <para>Why reuse is exact. The analyzer's outcome is a function of the tree's structure, the model, the settings and the
/// client values it reads; it reads them through <c>TryEvaluate</c> (and constants used as query sources), all recorded
/// (<see cref="ClientEvaluation"/>). The plan replays the recording on the new tree (same node positions: equal shape hashes
/// mean equal structure) and accepts only when every read gives the same outcome to the analysis:</para>
/// <list type="bullet">
/// <item>a read that failed fails again, a null is null again;</item>
/// <item>a value that went into dependency tuples (a <em>slot</em>: found in the tuples by reference) is of the same runtime
/// type, one of <see cref="IsSlotType"/> (types no analysis rule inspects: integers, bool, char, string, Guid, enums; no
/// temporal types, whose precision check reads the value), non-null, and the slots are equal to each other exactly where
/// they were equal before;</item>
/// <item>any other scalar value read is equal to the recorded one; a query read as a source is again a table root of the
/// same element type; the constants holding queries sit at the same positions;</item>
/// <item>every table is still what the model answers for its entity type (DDL rebuilds a table model; an overridden table
/// name, read from a value by the dialect, is not planned), and none is ignored.</item>
/// </list>
/// <para>Anything else (a null tuple value, a value not found in the tuples by reference, entity and collection values, a
/// node shared between positions) makes the analysis unplannable: such shapes are analysed on every miss, as before.</para>
/// <para>Threading: immutable after creation; <see cref="TryApply"/> builds a new <see cref="QueryAnalysis"/> per call.</para>
/// </remarks>
internal sealed class AnalysisPlan
{
    /// <summary>Slots beyond this many make a shape unplannable (the equality check is quadratic).</summary>
    internal const int MaxSlots = 16;

    private readonly Site[] _sites;
    private readonly int[] _positions;
    private readonly int[] _queryConstants;
    private readonly int[] _slotSites;
    private readonly int[] _slotClasses;
    private readonly TableModel[] _tables;
    private readonly GroupTemplate[] _groups;
    private readonly IReadOnlyList<TableModel> _readOnce;

    // Weak: a private database's model (one per SQLite in-memory connection) must not outlive its connection through a plan.
    private readonly WeakReference<IEntityModel> _model;

    private AnalysisPlan(
        Site[] sites, int[] queryConstants, int[] slotSites, int[] slotClasses, TableModel[] tables, GroupTemplate[] groups, IReadOnlyList<TableModel> readOnce,
        IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings, string? paths)
    {
        _readOnce = readOnce;
        _sites = sites;
        _positions = Array.ConvertAll(sites, static s => s.Position);
        _queryConstants = queryConstants;
        _slotSites = slotSites;
        _slotClasses = slotClasses;
        _tables = tables;
        _groups = groups;
        _model = new WeakReference<IEntityModel>(model);
        Dialect = dialect;
        Settings = settings;
        Paths = paths;
    }

    private enum SiteKind : byte
    {
        Failed,
        Null,
        Equal,
        Slot,
        TableRoot,
    }

    /// <summary>Gets the dialect the plan was made with.</summary>
    public IQueryDialect? Dialect { get; }

    /// <summary>Gets the cache's settings the plan was made with (before <c>Cache(paths)</c>).</summary>
    public AnalysisSettings Settings { get; }

    /// <summary>Gets the <c>Cache(paths)</c> choice the plan was made with.</summary>
    public string? Paths { get; }

    /// <summary>Returns whether values of <paramref name="type"/> may sit in slots: no analysis rule reads them, only keys encode them.</summary>
    internal static bool IsSlotType(Type type) =>
        type.IsEnum || type == typeof(string) || type == typeof(Guid) || Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean or TypeCode.Char or TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32
                or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => true,
            _ => false,
        };

    /// <summary>Makes the plan of a cacheable analysis, or returns <see langword="null"/> when the analysis is not plannable.</summary>
    /// <param name="expression">The tree that was analysed.</param>
    /// <param name="analysis">Its analysis (cacheable).</param>
    /// <param name="evaluations">The client values the analysis read (<see cref="QueryAnalyzer.Analyze"/>).</param>
    /// <param name="model">The model it was analysed with.</param>
    /// <param name="dialect">The dialect it was analysed with.</param>
    /// <param name="settings">The cache's settings (before paths).</param>
    /// <param name="paths">The <c>Cache(paths)</c> choice.</param>
    public static AnalysisPlan? TryCreate(
        Expression expression, QueryAnalysis analysis, List<ClientEvaluation> evaluations, IEntityModel model, IQueryDialect? dialect,
        AnalysisSettings settings, string? paths)
    {
        if (!analysis.IsCacheable)
        {
            return null;
        }

        foreach (var table in analysis.Tables)
        {
            if (!ReferenceEquals(model.GetTable(table.EntityType), table))
            {
                return null; // an overridden name (TableName(...)), or a model that answers differently now
            }
        }

        var (positions, queryConstants) = NodePositions.Index(expression);
        var sites = new Site[evaluations.Count];
        var bySite = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < evaluations.Count; i++)
        {
            var (node, evaluated, value) = evaluations[i];
            if (!positions.TryGetValue(node, out var position) || position < 0)
            {
                return null; // a node outside the visible tree (a captured query's own tree) or shared between positions
            }

            SiteKind kind;
            if (!evaluated)
            {
                kind = SiteKind.Failed;
            }
            else if (value is null)
            {
                kind = SiteKind.Null;
            }
            else if (IsSlotType(value.GetType()))
            {
                kind = SiteKind.Equal; // becomes a slot below when the tuples hold it
                bySite.TryAdd(value, i);
            }
            else if (IsTableRoot(value, out _))
            {
                kind = SiteKind.TableRoot;
            }
            else
            {
                return null; // an entity, a collection, a wrapped or composed query: not planned
            }

            sites[i] = new Site(position, kind, value);
        }

        var slotOfSite = new Dictionary<int, int>();
        var slotSites = new List<int>();
        var groups = new GroupTemplate[analysis.Groups.Count];
        for (var g = 0; g < groups.Length; g++)
        {
            var group = analysis.Groups[g];
            var tuples = new int[group.Tuples.Count][];
            for (var t = 0; t < tuples.Length; t++)
            {
                var tuple = group.Tuples[t];
                var slots = new int[tuple.Length];
                for (var c = 0; c < tuple.Length; c++)
                {
                    if (tuple[c] is not { } component || !bySite.TryGetValue(component, out var site))
                    {
                        return null; // null, or a value the analysis made itself (an entity's key, a list element, a literal of its own)
                    }

                    if (!slotOfSite.TryGetValue(site, out var slot))
                    {
                        slot = slotSites.Count;
                        slotSites.Add(site);
                        slotOfSite.Add(site, slot);
                        sites[site] = sites[site] with { Kind = SiteKind.Slot };
                    }

                    slots[c] = slot;
                }

                tuples[t] = slots;
            }

            groups[g] = new GroupTemplate(group.Table, group.Columns, group.ReadMask, tuples);
        }

        // Another read that gave the very same object (a constant node read twice, an interned string literal): also a slot, so
        // the equality pattern below holds it equal to the one the tuples name.
        var named = slotSites.Count;
        for (var i = 0; i < sites.Length; i++)
        {
            if (sites[i].Kind != SiteKind.Equal)
            {
                continue;
            }

            for (var s = 0; s < named; s++)
            {
                if (ReferenceEquals(sites[slotSites[s]].Value, sites[i].Value))
                {
                    slotSites.Add(i);
                    sites[i] = sites[i] with { Kind = SiteKind.Slot };
                    break;
                }
            }
        }

        if (slotSites.Count > MaxSlots)
        {
            return null;
        }

        var slotValues = new object?[slotSites.Count];
        for (var s = 0; s < slotValues.Length; s++)
        {
            slotValues[s] = sites[slotSites[s]].Value;
        }

        // Sites are replayed in position order (one walk of the new tree finds them all).
        var order = new int[sites.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => sites[a].Position != sites[b].Position ? sites[a].Position.CompareTo(sites[b].Position) : a.CompareTo(b));
        var sorted = new Site[sites.Length];
        var newIndex = new int[sites.Length];
        for (var i = 0; i < order.Length; i++)
        {
            sorted[i] = sites[order[i]];
            newIndex[order[i]] = i;
        }

        var slotSitesSorted = new int[slotSites.Count];
        for (var s = 0; s < slotSitesSorted.Length; s++)
        {
            slotSitesSorted[s] = newIndex[slotSites[s]];
        }

        return new AnalysisPlan(
            sorted, queryConstants, slotSitesSorted, Classes(slotValues), [.. analysis.Tables], groups, analysis.ReadOnce, model, dialect, settings, paths);
    }

    /// <summary>
    /// Returns the analysis of <paramref name="expression"/> (a tree of the plan's shape) from its own values, or
    /// <see langword="null"/> when any value would lead the analysis elsewhere: the caller then analyses it.
    /// </summary>
    public QueryAnalysis? TryApply(Expression expression, IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings, string? paths)
    {
        // A plan never serves another model, dialect, settings or paths than its own.
        if (!_model.TryGetTarget(out var own) || !ReferenceEquals(model, own) || !ReferenceEquals(dialect, Dialect) || !ReferenceEquals(settings, Settings)
            || !string.Equals(paths, Paths, StringComparison.Ordinal))
        {
            return null;
        }

        var (nodes, queryConstants) = NodePositions.Find(expression, _positions);
        if (!System.Runtime.InteropServices.CollectionsMarshal.AsSpan(queryConstants).SequenceEqual(_queryConstants))
        {
            return null;
        }

        foreach (var node in nodes)
        {
            if (node is null)
            {
                return null;
            }
        }

        var values = new object?[nodes.Length];
        bool[] evaluated;
        bool refused;
        try
        {
            evaluated = QueryAnalyzer.EvaluateDetached(nodes, values, model, dialect, settings, out refused);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or InvalidCastException
            or System.Reflection.TargetInvocationException or NullReferenceException)
        {
            return null; // the analysis refuses such a query: let it say so
        }
        if (refused || !SitesAgree(evaluated, values))
        {
            return null;
        }

        var slotValues = new object?[_slotSites.Length];
        for (var s = 0; s < slotValues.Length; s++)
        {
            slotValues[s] = values[_slotSites[s]];
        }

        if (!Classes(slotValues).AsSpan().SequenceEqual(_slotClasses) || !TablesCurrent(model, settings))
        {
            return null;
        }

        var groups = new DependencyGroup[_groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            var template = _groups[g];
            var group = new DependencyGroup(template.Table, template.Columns, template.ReadMask);
            foreach (var slots in template.Tuples)
            {
                var tuple = new object?[slots.Length];
                for (var c = 0; c < slots.Length; c++)
                {
                    tuple[c] = slotValues[slots[c]];
                }

                group.Tuples.Add(tuple);
            }

            groups[g] = group;
        }

        return QueryAnalysis.Cacheable(_tables, groups, _readOnce);
    }

    private bool SitesAgree(bool[] evaluated, object?[] values)
    {
        for (var i = 0; i < _sites.Length; i++)
        {
            var site = _sites[i];
            var value = values[i];
            var agrees = site.Kind switch
            {
                SiteKind.Failed => !evaluated[i],
                SiteKind.Null => evaluated[i] && value is null,
                SiteKind.Slot => evaluated[i] && value is not null && value.GetType() == site.Value!.GetType(),
                SiteKind.Equal => evaluated[i] && value is not null && value.GetType() == site.Value!.GetType() && value.Equals(site.Value),
                SiteKind.TableRoot => evaluated[i] && IsTableRoot(value, out var elementType)
                    && elementType == ((IQueryable)site.Value!).ElementType && value!.GetType() == site.Value.GetType(),
                _ => false,
            };
            if (!agrees)
            {
                return false;
            }
        }

        return true;
    }

    private bool TablesCurrent(IEntityModel model, AnalysisSettings settings)
    {
        var ignored = settings.IgnoredTables;
        foreach (var table in _tables)
        {
            // The model rebuilds a table after DDL and refuses one the catalog no longer vouches for: ask it again.
            if (!ReferenceEquals(model.GetTable(table.EntityType), table)
                || (ignored.Count > 0 && (ignored.Contains(table.Name) || ignored.Contains(table.QualifiedName))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A query the analysis takes as a table root (its expression is itself as a constant), not a wrapped or composed one.</summary>
    private static bool IsTableRoot(object? value, out Type elementType)
    {
        if (value is IQueryable queryable and not ICacheBotQueryable
            && queryable.Expression is ConstantExpression root && ReferenceEquals(root.Value, queryable))
        {
            elementType = queryable.ElementType;
            return true;
        }

        elementType = typeof(void);
        return false;
    }

    /// <summary>For each slot, the first slot whose value equals it (same type): the pattern of equal values.</summary>
    private static int[] Classes(object?[] slotValues)
    {
        var classes = new int[slotValues.Length];
        for (var i = 0; i < slotValues.Length; i++)
        {
            classes[i] = i;
            for (var j = 0; j < i; j++)
            {
                if (slotValues[j]!.GetType() == slotValues[i]!.GetType() && slotValues[j]!.Equals(slotValues[i]))
                {
                    classes[i] = j;
                    break;
                }
            }
        }

        return classes;
    }

    private readonly record struct Site(int Position, SiteKind Kind, object? Value);

    private sealed record GroupTemplate(TableModel Table, ColumnModel[] Columns, ulong ReadMask, int[][] Tuples);
}

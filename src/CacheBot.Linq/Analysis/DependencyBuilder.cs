using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Projects the collected predicates onto each table occurrence and turns them into dependency groups
/// (scheme + value tuples), applying <c>Cache(paths)</c>, the granularity option and the tuple bound.
/// </summary>
internal static class DependencyBuilder
{
    private static readonly Dictionary<TableModel, ulong> NoMasks = [];

    /// <param name="occurrences">The table occurrences.</param>
    /// <param name="formulas">The predicates, over occurrences.</param>
    /// <param name="settings">Granularity, paths, bounds, ignored tables.</param>
    /// <param name="masks">The columns the query reads per table (<see cref="ColumnUsage"/>); a table not in it reads all.</param>
    public static QueryAnalysis Build(List<Occurrence> occurrences, List<Dnf> formulas, AnalysisSettings settings, IReadOnlyDictionary<TableModel, ulong> masks)
    {
        var tables = new List<TableModel>();
        var groups = new Dictionary<(ulong Table, string Columns), DependencyGroup>();
        var readMoreThanOnce = new HashSet<TableModel>();
        var occurring = new HashSet<TableModel>();
        foreach (var occurrence in occurrences)
        {
            if (!occurring.Add(occurrence.Table))
            {
                readMoreThanOnce.Add(occurrence.Table);
            }
        }

        foreach (var occurrence in occurrences)
        {
            var table = occurrence.Table;
            if (settings.IgnoredTables.Contains(table.Name) || settings.IgnoredTables.Contains(table.QualifiedName))
            {
                return QueryAnalysis.Refused(RefusalReason.IgnoredTable, "table " + table.QualifiedName + " is in IgnoredTables");
            }

            if (!tables.Contains(table))
            {
                tables.Add(table);
            }

            if (AddAnyRowTables(table, table.CompanionTables, tables, groups, settings, readMoreThanOnce) is { } ignored)
            {
                return QueryAnalysis.Refused(RefusalReason.IgnoredTable, "table " + ignored.QualifiedName + " (read with " + table.QualifiedName + ") is in IgnoredTables");
            }

            if (occurrence.Via is { ThroughTables.Count: > 0 } via && AddAnyRowTables(table, via.ThroughTables, tables, groups, settings, readMoreThanOnce) is { } through)
            {
                return QueryAnalysis.Refused(RefusalReason.IgnoredTable, "table " + through.QualifiedName + " (read through " + via.Member.Name + ") is in IgnoredTables");
            }

            // The coarser granularities model django-cachebot (PerField) and SQL-text caches (PerTable): no column awareness.
            var readMasks = settings.Granularity == InvalidationGranularity.Conjunctive ? masks : NoMasks;
            var dnf = Dnf.True;
            if (settings.Granularity != InvalidationGranularity.PerTable)
            {
                foreach (var formula in formulas)
                {
                    dnf = Dnf.And(dnf, formula.Project(c => ReferenceEquals(c.Occurrence, occurrence) && IsAllowed(c, settings.AllowedPaths)));
                }
            }

            foreach (var conjunction in dnf.Conjunctions)
            {
                if (settings.Granularity == InvalidationGranularity.PerField && conjunction.Count > 1)
                {
                    foreach (var pair in conjunction)
                    {
                        AddConjunction(groups, table, new() { [pair.Key] = pair.Value }, settings.MaxValueTuples, MaskOf(table, readMasks));
                    }
                }
                else
                {
                    AddConjunction(groups, table, conjunction, settings.MaxValueTuples, MaskOf(table, readMasks));
                }
            }
        }

        return QueryAnalysis.Cacheable(tables, [.. groups.Values], [.. tables.Where(t => !readMoreThanOnce.Contains(t))]);
    }

    /// <summary>
    /// Adds <paramref name="start"/>: the tables read with every row of <paramref name="table"/> (its companions: inheritance,
    /// owned collections, split parts, tables a filter reads) or on the way to it (a navigation's through tables), and their
    /// companions in turn, each with the "any row" dependency. Returns one of them that is in IgnoredTables, if any.
    /// </summary>
    private static TableModel? AddAnyRowTables(
        TableModel table,
        IReadOnlyList<TableModel> start,
        List<TableModel> tables,
        Dictionary<(ulong Table, string Columns), DependencyGroup> groups,
        AnalysisSettings settings,
        HashSet<TableModel> readMoreThanOnce)
    {
        if (start.Count == 0)
        {
            return null;
        }

        var pending = new Stack<TableModel>(start);
        var seen = new HashSet<TableModel> { table };
        while (pending.Count > 0)
        {
            var companion = pending.Pop();
            if (!seen.Add(companion))
            {
                continue;
            }

            readMoreThanOnce.Add(companion);

            if (settings.IgnoredTables.Contains(companion.Name) || settings.IgnoredTables.Contains(companion.QualifiedName))
            {
                return companion;
            }

            if (!tables.Contains(companion))
            {
                tables.Add(companion);
            }

            // Any of its rows matters, even when an occurrence of the same table elsewhere in the query is narrower.
            if (!groups.TryGetValue((companion.Id, Signature([], Invalidation.ColumnMask.All)), out var anyRow) || anyRow.Tuples.Count == 0)
            {
                AddConjunction(groups, companion, new(), settings.MaxValueTuples, Invalidation.ColumnMask.All);
            }
            foreach (var next in companion.CompanionTables)
            {
                pending.Push(next);
            }
        }

        return null;
    }

    private static void AddConjunction(
        Dictionary<(ulong Table, string Columns), DependencyGroup> groups,
        TableModel table,
        Dictionary<ColumnRef, IReadOnlyList<object?>> conjunction,
        int maxTuples,
        ulong readMask)
    {
        var columns = new List<(ColumnModel Column, IReadOnlyList<object?> Values)>();
        foreach (var pair in conjunction)
        {
            columns.Add((pair.Key.Column, pair.Value));
        }

        // Bound the cross product: drop the column with most values until it fits (fewer columns = coarser, still sound).
        while (columns.Count > 0 && Product(columns) > maxTuples)
        {
            var widest = 0;
            for (var i = 1; i < columns.Count; i++)
            {
                if (columns[i].Values.Count > columns[widest].Values.Count)
                {
                    widest = i;
                }
            }

            columns.RemoveAt(widest);
        }

        columns.Sort(static (a, b) => a.Column.Ordinal.CompareTo(b.Column.Ordinal));
        var schemeColumns = new ColumnModel[columns.Count];
        for (var i = 0; i < schemeColumns.Length; i++)
        {
            schemeColumns[i] = columns[i].Column;
        }

        var signature = Signature(schemeColumns, readMask);
        if (!groups.TryGetValue((table.Id, signature), out var group))
        {
            group = new DependencyGroup(table, schemeColumns, readMask);
            groups.Add((table.Id, signature), group);
        }

        AddTuples(group, columns, 0, new object?[columns.Count]);
    }

    private static string Signature(ColumnModel[] columns, ulong readMask) =>
        string.Join(",", Array.ConvertAll(columns, static c => c.Ordinal)) + "/" + readMask.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private static ulong MaskOf(TableModel table, IReadOnlyDictionary<TableModel, ulong> readMasks) =>
        readMasks.TryGetValue(table, out var mask) ? mask : Invalidation.ColumnMask.All;

    private static void AddTuples(DependencyGroup group, List<(ColumnModel Column, IReadOnlyList<object?> Values)> columns, int index, object?[] current)
    {
        if (index == columns.Count)
        {
            group.Tuples.Add((object?[])current.Clone());
            return;
        }

        foreach (var value in columns[index].Values)
        {
            current[index] = value;
            AddTuples(group, columns, index + 1, current);
        }
    }

    private static long Product(List<(ColumnModel Column, IReadOnlyList<object?> Values)> columns)
    {
        long product = 1;
        foreach (var c in columns)
        {
            product *= Math.Max(1, c.Values.Count);
            if (product > int.MaxValue)
            {
                return product;
            }
        }

        return product;
    }

    /// <summary>With <c>Cache(paths)</c>, only constraints on those paths (their tables, or the foreign keys that lead to them) narrow.</summary>
    private static bool IsAllowed(ColumnRef column, IReadOnlyList<string>? paths)
    {
        if (paths is null)
        {
            return true;
        }

        var path = column.Occurrence.Path;
        if (path is null)
        {
            return false;
        }

        foreach (var allowed in paths)
        {
            if (path == allowed || path.StartsWith(allowed + ".", StringComparison.Ordinal))
            {
                return true;
            }

            var columnPath = path.Length == 0 ? column.Column.Member.Name : path + "." + column.Column.Member.Name;
            if (columnPath == allowed)
            {
                return true;
            }

            var dot = allowed.LastIndexOf('.');
            var prefix = dot < 0 ? string.Empty : allowed[..dot];
            var last = dot < 0 ? allowed : allowed[(dot + 1)..];
            if (path == prefix)
            {
                foreach (var association in column.Occurrence.Table.Associations)
                {
                    if (association.Member.Name == last && association.ThisKeys.Any(k => MemberKeyComparer.Instance.Equals(k, column.Column.Member)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}

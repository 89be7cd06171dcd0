using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// The dependencies of one table occurrence set: a scheme (sorted columns), the value tuples a write must match, and the
/// columns of the table the query reads (an update of none of them matters to no tuple).
/// </summary>
internal sealed class DependencyGroup(TableModel table, ColumnModel[] columns, ulong readMask)
{
    public TableModel Table { get; } = table;

    public ColumnModel[] Columns { get; } = columns;

    /// <summary>Gets the columns of <see cref="Table"/> the query reads (<see cref="Invalidation.ColumnMask"/>).</summary>
    public ulong ReadMask { get; } = readMask;

    public List<object?[]> Tuples { get; } = [];

    public override string ToString() =>
        Table.QualifiedName + "(" + string.Join(",", (IEnumerable<ColumnModel>)Columns) + ") x" + Tuples.Count;
}

/// <summary>The outcome of analysing a query: refused (with the reason), or its tables and dependency groups.</summary>
internal sealed class QueryAnalysis
{
    private QueryAnalysis(RefusalReason refusal, string? detail, IReadOnlyList<TableModel> tables, IReadOnlyList<DependencyGroup> groups, IReadOnlyList<TableModel> readOnce)
    {
        Refusal = refusal;
        Detail = detail;
        Tables = tables;
        Groups = groups;
        ReadOnce = readOnce;
    }

    public RefusalReason Refusal { get; }

    public string? Detail { get; }

    public bool IsCacheable => Refusal == RefusalReason.None;

    /// <summary>Gets every distinct table the query reads (each holds its epoch key).</summary>
    public IReadOnlyList<TableModel> Tables { get; }

    public IReadOnlyList<DependencyGroup> Groups { get; }

    /// <summary>
    /// Gets the tables read at exactly one place of the query (one occurrence, and no other table's companion or through
    /// table): every group of such a table comes from that one place (structural, the same for every query of a shape).
    /// </summary>
    public IReadOnlyList<TableModel> ReadOnce { get; }

    public static QueryAnalysis Refused(RefusalReason reason, string detail) => new(reason, detail, [], [], []);

    public static QueryAnalysis Cacheable(IReadOnlyList<TableModel> tables, IReadOnlyList<DependencyGroup> groups, IReadOnlyList<TableModel> readOnce) =>
        new(RefusalReason.None, null, tables, groups, readOnce);

    public override string ToString() =>
        IsCacheable ? string.Join("; ", Groups) : Refusal + ": " + Detail;
}

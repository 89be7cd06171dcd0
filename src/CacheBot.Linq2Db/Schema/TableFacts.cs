using CacheBot.Linq.Providers.Sql;
using System.Text;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// Everything the catalog says about one relation that invalidation needs: what it is, its columns, its key, the
/// foreign keys that reference it, its triggers, the views that read it and the relations a write to it also writes.
/// Immutable once read.
/// </summary>
internal sealed class TableFacts
{
    private readonly Dictionary<string, ColumnFacts> _columns;

    public TableFacts(
        RelationRef relation,
        RelationKind kind,
        bool isOpaque,
        IReadOnlyList<ColumnFacts> columns,
        IReadOnlyList<string> primaryKey,
        IReadOnlyList<ForeignKeyFacts> children,
        IReadOnlyList<TriggerFacts> triggers,
        IReadOnlyList<RelationRef> dependents,
        IReadOnlyList<RelationRef> writtenWith)
    {
        Relation = relation;
        Kind = kind;
        IsOpaque = isOpaque;
        Columns = columns;
        PrimaryKey = primaryKey;
        Children = children;
        Triggers = triggers;
        Dependents = dependents;
        WrittenWith = writtenWith;
        _columns = new Dictionary<string, ColumnFacts>(StringComparer.Ordinal);
        var signature = new StringBuilder().Append((int)kind).Append(isOpaque ? "o" : "-");
        foreach (var column in columns)
        {
            _columns.TryAdd(column.Name, column);
            signature.Append('|').Append(column.Name).Append(':').Append((int)column.Matching);
        }

        // The key too: the entity model promises uniqueness from it (TableModel.EnforcedUniqueKey), so dropping it rebuilds.
        signature.Append("|pk:").AppendJoin(',', primaryKey);
        ColumnSignature = signature.ToString();
    }

    /// <summary>Gets the relation as the catalog spells it.</summary>
    public RelationRef Relation { get; }

    public RelationKind Kind { get; }

    /// <summary>
    /// Gets whether reads of the relation cannot be tied to tracked writes (a view that calls functions other than
    /// immutable built-ins, a foreign table, row-level security): queries on it are not cached.
    /// </summary>
    public bool IsOpaque { get; }

    public IReadOnlyList<ColumnFacts> Columns { get; }

    /// <summary>Gets the primary-key columns, in key order (empty when there is none).</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>Gets the foreign keys of other tables (or this one) that reference this relation.</summary>
    public IReadOnlyList<ForeignKeyFacts> Children { get; }

    public IReadOnlyList<TriggerFacts> Triggers { get; }

    /// <summary>Gets the relations whose rows change when this one's rows change: views that read it, PostgreSQL inheritance parents.</summary>
    public IReadOnlyList<RelationRef> Dependents { get; }

    /// <summary>Gets the relations a write to this one also writes: a view's base tables, PostgreSQL inheritance children and partitions.</summary>
    public IReadOnlyList<RelationRef> WrittenWith { get; }

    /// <summary>
    /// Gets whether a plain INSERT or UPDATE of the table may delete other rows (SQLite constraints declared
    /// <c>ON CONFLICT REPLACE</c>, which neither row image reports): its writes are table writes.
    /// </summary>
    public bool ReplacesOnConflict { get; init; }

    /// <summary>Gets a string that changes whenever a fact the entity model uses (kind, column comparison, key) changes.</summary>
    public string ColumnSignature { get; }

    /// <summary>Finds a column by its exact name, else by a unique case-insensitive match.</summary>
    public ColumnFacts? FindColumn(string name)
    {
        if (_columns.TryGetValue(name, out var exact))
        {
            return exact;
        }

        ColumnFacts? found = null;
        foreach (var column in Columns)
        {
            if (string.Equals(column.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    return null;
                }

                found = column;
            }
        }

        return found;
    }

    public override string ToString() => Relation.ToString();
}

using System.Globalization;
using System.Text;

namespace CacheBot.Linq;

/// <summary>
/// One dependency of a cached query (<see cref="CacheExplanation.Dependencies"/>): a write to <see cref="Table"/> invalidates
/// the query when its old or new row has one of the <see cref="Values"/> tuples on <see cref="Columns"/>, or, for "any row"
/// (<see cref="IsAnyRow"/>), whenever it changes a row of the table.
/// </summary>
/// <remarks>Documentation: docs/invalidation.md "Dependencies".</remarks>
public sealed class CacheDependency
{
    private const int MaxTuplesShown = 8;

    internal CacheDependency(string database, string table, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<object?>> values)
    {
        Database = database;
        Table = table;
        Columns = columns;
        Values = values;
    }

    /// <summary>Gets the logical database of the table.</summary>
    public string Database { get; }

    /// <summary>Gets the table (<c>schema.name</c> or the name alone).</summary>
    public string Table { get; }

    /// <summary>Gets the columns a write must match (the scheme); empty for "any row".</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Gets the value tuples (one value per column, in <see cref="Columns"/> order); empty for "any row".</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Values { get; }

    /// <summary>Gets whether any write to a row of the table invalidates the query.</summary>
    public bool IsAnyRow => Columns.Count == 0;

    /// <summary>Returns e.g. <c>Photo (UserId, Status) = (5, 2)</c>, <c>Photo (Id) in {1, 2, 3}</c> or <c>User: any row</c>.</summary>
    /// <returns>The dependency in words.</returns>
    public override string ToString()
    {
        if (IsAnyRow)
        {
            return Table + ": any row";
        }

        var text = new StringBuilder(Table).Append(" (").AppendJoin(", ", Columns).Append(')');
        if (Values.Count == 1)
        {
            return AppendTuple(text.Append(" = "), Values[0]).ToString();
        }

        text.Append(" in {");
        for (var i = 0; i < Values.Count && i < MaxTuplesShown; i++)
        {
            AppendTuple(text.Append(i > 0 ? ", " : string.Empty), Values[i]);
        }

        if (Values.Count > MaxTuplesShown)
        {
            text.Append(CultureInfo.InvariantCulture, $", ... ({Values.Count} in all)");
        }

        return text.Append('}').ToString();
    }

    private static StringBuilder AppendTuple(StringBuilder text, IReadOnlyList<object?> tuple)
    {
        if (tuple.Count == 1)
        {
            return AppendValue(text, tuple[0]);
        }

        text.Append('(');
        for (var i = 0; i < tuple.Count; i++)
        {
            AppendValue(text.Append(i > 0 ? ", " : string.Empty), tuple[i]);
        }

        return text.Append(')');
    }

    private static StringBuilder AppendValue(StringBuilder text, object? value) => value switch
    {
        null => text.Append("null"),
        string s => text.Append('"').Append(s).Append('"'),
        byte[] bytes => text.Append("0x").Append(Convert.ToHexString(bytes)),
        DateTime d => text.Append(d.ToString("o", CultureInfo.InvariantCulture)),
        DateTimeOffset d => text.Append(d.ToString("o", CultureInfo.InvariantCulture)),
        bool b => text.Append(b ? "true" : "false"),
        IFormattable f => text.Append(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => text.Append(value),
    };
}

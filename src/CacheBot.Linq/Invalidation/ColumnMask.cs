using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// A set of a table's columns as 64 bits: bit <c>n</c> for the column of ordinal <c>n</c> below 63, bit 63 shared by all
/// the others (a table wider than 63 columns only loses precision). <see cref="All"/> means every column.
/// </summary>
internal static class ColumnMask
{
    public const ulong All = ulong.MaxValue;

    public static ulong Bit(ColumnModel column) => 1UL << Math.Min(column.Ordinal, 63);

    public static ulong Of(IReadOnlyList<ColumnModel> columns)
    {
        ulong mask = 0;
        foreach (var column in columns)
        {
            mask |= Bit(column);
        }

        return mask;
    }

    /// <summary>The names of the columns in <paramref name="mask"/>, upper-cased and sorted (a process-independent spelling).</summary>
    public static IEnumerable<string> Names(TableModel table, ulong mask)
    {
        var names = new List<string>();
        foreach (var column in table.Columns)
        {
            if ((mask & Bit(column)) != 0)
            {
                names.Add(column.Name.ToUpperInvariant());
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}

using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Computes the 64-bit keys whose stamps entries hold: one per (scheme, value tuple), and one epoch key per table.
/// The same function serves readers (values from the query) and writers (values from the row), which is what makes
/// "a write hits a dependency" a key equality.
/// </summary>
internal static class DependencyKeys
{
    private const byte KindTuple = 1, KindEpoch = 2, KindDatabase = 3;

    /// <summary>The directions a table has a table key for (<see cref="TableEpoch(TableModel, SchemeDirection)"/>); a table write replaces all of them.</summary>
    public static readonly SchemeDirection[] TableKeyDirections = [SchemeDirection.Both, SchemeDirection.Removals, SchemeDirection.Arrivals];

    /// <summary>Adds <paramref name="key"/> to <paramref name="keys"/> unless it is there already (key lists are short).</summary>
    public static void AddDistinct(List<ulong> keys, ulong key)
    {
        if (!keys.Contains(key))
        {
            keys.Add(key);
        }
    }

    /// <summary>The key every entry on <paramref name="table"/> holds; a table write replaces its stamp.</summary>
    public static ulong TableEpoch(TableModel table) => TableEpoch(table, SchemeDirection.Both);

    /// <summary>
    /// The table key of entries whose dependencies on <paramref name="table"/> all go one <paramref name="direction"/>: a
    /// table write replaces it, and so does a row write of unknown rows in that direction (an insert for
    /// <see cref="SchemeDirection.Arrivals"/>, a delete for <see cref="SchemeDirection.Removals"/>), while the other
    /// direction's entries stay.
    /// </summary>
    public static ulong TableEpoch(TableModel table, SchemeDirection direction)
    {
        Span<byte> stack = stackalloc byte[32];
        var bytes = new KeyBytes(stack);
        bytes.Add(KindEpoch);
        bytes.AddUInt64(table.Id);
        if (direction != SchemeDirection.Both)
        {
            bytes.Add((byte)direction);
        }

        var key = bytes.Hash64();
        bytes.Dispose();
        return key;
    }

    /// <summary>The key every entry on a table of <paramref name="database"/> holds; a write CacheBot cannot attribute to a table replaces it.</summary>
    public static ulong DatabaseEpoch(string database)
    {
        Span<byte> stack = stackalloc byte[256];
        var bytes = new KeyBytes(stack);
        bytes.Add(KindDatabase);
        ValueEncoder.TryAppend(ref bytes, database, StringMatching.Ordinal);
        var key = bytes.Hash64();
        bytes.Dispose();
        return key;
    }

    /// <summary>The key of <paramref name="scheme"/> with <paramref name="values"/> (one per scheme column, in order); false when a value cannot be encoded.</summary>
    public static bool TryForTuple(Scheme scheme, ReadOnlySpan<object?> values, out ulong key)
    {
        Span<byte> stack = stackalloc byte[256];
        var bytes = new KeyBytes(stack);
        try
        {
            bytes.Add(KindTuple);
            bytes.AddUInt64(scheme.Table.Id);
            bytes.AddUInt64(scheme.Id);
            for (var i = 0; i < values.Length; i++)
            {
                if (!ValueEncoder.TryAppend(ref bytes, values[i], scheme.Columns[i].StringMatching))
                {
                    key = 0;
                    return false;
                }
            }

            key = bytes.Hash64();
            return true;
        }
        finally
        {
            bytes.Dispose();
        }
    }

    /// <summary>The key of <paramref name="scheme"/> for a row (an entity snapshot read through the scheme's column getters).</summary>
    public static bool TryForRow(Scheme scheme, object row, out ulong key)
    {
        var columns = scheme.Columns;
        var values = new object?[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            if (!columns[i].TryGetValue(row, out values[i]))
            {
                key = 0;
                return false;
            }
        }

        return TryForTuple(scheme, values, out key);
    }
}

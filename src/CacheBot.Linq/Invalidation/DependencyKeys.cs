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
    private const byte KindTuple = 1, KindEpoch = 2, KindDatabase = 3, KindRange = 4;

    /// <summary>The levels of a range scheme's blocks: a value lies in one block of each (its order-preserving unsigned image shifted right by the level).</summary>
    public const int RangeLevels = 64;

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

    /// <summary>Adds the key of <paramref name="scheme"/> with <paramref name="values"/>; false when a value cannot be encoded.</summary>
    public static bool TryAddForTuple(List<ulong> keys, Scheme scheme, ReadOnlySpan<object?> values)
    {
        if (!TryForTuple(scheme, values, out var key))
        {
            return false;
        }

        AddDistinct(keys, key);
        return true;
    }

    /// <summary>
    /// Adds the keys of <paramref name="scheme"/> for every tuple of <paramref name="tuples"/> (the scheme's columns but the one
    /// at <paramref name="valueIndex"/>) with every one of <paramref name="values"/> at <paramref name="valueIndex"/>; false when
    /// a value cannot be encoded.
    /// </summary>
    public static bool TryAddWithValues(List<ulong> keys, Scheme scheme, IEnumerable<object?[]> tuples, int valueIndex, IEnumerable<object?> values)
    {
        var tuple = new object?[scheme.Columns.Length];
        foreach (var own in tuples)
        {
            for (int from = 0, to = 0; to < tuple.Length; to++)
            {
                tuple[to] = to == valueIndex ? null : own[from++];
            }

            foreach (var value in values)
            {
                tuple[valueIndex] = value;
                if (!TryAddForTuple(keys, scheme, tuple))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The keys of a row's value in range scheme <paramref name="scheme"/>: its block at every level; false when the value is not an integer.</summary>
    public static bool TryForRowRange(Scheme scheme, object row, Span<ulong> keys)
    {
        if (!scheme.Columns[0].TryGetValue(row, out var value) || !TryInteger(value, out var integer))
        {
            return false;
        }

        var ordered = Ordered(integer);
        for (var level = 0; level < RangeLevels; level++)
        {
            keys[level] = RangeBlock(scheme, level, ordered >> level);
        }

        return true;
    }

    /// <summary>
    /// Adds the keys of the fewest blocks of range scheme <paramref name="scheme"/> that cover <paramref name="low"/> to
    /// <paramref name="high"/> (inclusive; nothing when <paramref name="low"/> is above <paramref name="high"/>): at most two per level.
    /// </summary>
    public static void AddRangeCover(List<ulong> keys, Scheme scheme, long low, long high)
    {
        if (low > high)
        {
            return;
        }

        var from = Ordered(low);
        var to = Ordered(high);
        while (true)
        {
            // The largest block that starts at 'from' (aligned) and ends at or before 'to'.
            var level = 0;
            while (level < RangeLevels - 1 && (from & ((2UL << level) - 1)) == 0 && (2UL << level) - 1 <= to - from)
            {
                level++;
            }

            AddDistinct(keys, RangeBlock(scheme, level, from >> level));
            var size = 1UL << level;
            if (size - 1 >= to - from)
            {
                return;
            }

            from += size;
        }
    }

    /// <summary>Reads an integer value as a long; false for anything else (or an unsigned value above <see cref="long.MaxValue"/>).</summary>
    public static bool TryInteger(object? value, out long integer)
    {
        switch (value)
        {
            case int i: integer = i; return true;
            case long l: integer = l; return true;
            case short h: integer = h; return true;
            case byte b: integer = b; return true;
            case sbyte sb: integer = sb; return true;
            case ushort us: integer = us; return true;
            case uint ui: integer = ui; return true;
            case ulong ul when ul <= long.MaxValue: integer = (long)ul; return true;
            default: integer = 0; return false;
        }
    }

    /// <summary>Maps a signed value to an unsigned one in the same order.</summary>
    private static ulong Ordered(long value) => (ulong)value ^ 0x8000_0000_0000_0000UL;

    private static ulong RangeBlock(Scheme scheme, int level, ulong block)
    {
        Span<byte> stack = stackalloc byte[40];
        var bytes = new KeyBytes(stack);
        bytes.Add(KindRange);
        bytes.AddUInt64(scheme.Table.Id);
        bytes.AddUInt64(scheme.Id);
        bytes.Add((byte)level);
        bytes.AddUInt64(block);
        var key = bytes.Hash64();
        bytes.Dispose();
        return key;
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

using System.Globalization;
using System.Text;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Schema;

/// <summary>Key tuples read from row images (raw provider values), compared strictly.</summary>
internal static class RowKeys
{
    /// <summary>Reads <paramref name="columns"/> from <paramref name="row"/>; false when one is missing from the image.</summary>
    public static bool TryRead(RowValues row, IReadOnlyList<string> columns, out object?[] values)
    {
        values = new object?[columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (!row.TryGet(columns[i], out values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether two raw values are the same stored value: same type and equal, decimals also by scale, arrays by content.
    /// Anything the database could see as a change (1.0 to 1.00, 'a' to 'A') counts as a change.
    /// </summary>
    public static bool Same(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (!Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A text form of a key tuple for dictionary lookups (type-tagged, so 1 and "1" differ).</summary>
    public static string Text(object?[] values)
    {
        var text = new StringBuilder();
        foreach (var value in values)
        {
            text.Append(value?.GetType().Name ?? "null").Append(':');
            text.Append(value switch
            {
                null => string.Empty,
                byte[] bytes => Convert.ToHexString(bytes),
                decimal m => string.Join(",", decimal.GetBits(m)),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
            text.Append('\u0001');
        }

        return text.ToString();
    }

    /// <summary>An image holding only <paramref name="columns"/> with <paramref name="values"/>.</summary>
    public static RowValues Image(IReadOnlyList<string> columns, object?[] values)
    {
        var map = new Dictionary<string, object?>(columns.Count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columns.Count; i++)
        {
            map[columns[i]] = values[i];
        }

        return new RowValues(map);
    }

    private static bool Same(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.GetType() != b.GetType())
        {
            return false;
        }

        return a switch
        {
            decimal m => decimal.GetBits(m).AsSpan().SequenceEqual(decimal.GetBits((decimal)b)),
            byte[] bytes => bytes.AsSpan().SequenceEqual((byte[])b),
            string s => string.Equals(s, (string)b, StringComparison.Ordinal),
            _ => a.Equals(b),
        };
    }
}

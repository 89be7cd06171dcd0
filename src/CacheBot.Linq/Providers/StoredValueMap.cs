using System.Globalization;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// The exact inverse of a mapping that stores a column's CLR values as other values (a <see langword="bool"/> stored as
/// <c>'Y'</c>/<c>'N'</c>, an enum stored through its map values): built from the stored value of every CLR value of a
/// finite domain, it turns a stored value read back from the database into the one CLR value the database matches it with.
/// </summary>
/// <remarks>
/// Soundness: the database matches a query for CLR value <c>v</c> with the rows whose stored value equals <c>stored(v)</c>
/// under the column's comparison (<see cref="Matching"/>). The map is keyed by the folded stored value and is built only
/// when <c>stored</c> is injective after folding, so a stored value maps back to exactly the CLR value whose query matches
/// it, and a stored value that no CLR value produces maps to nothing (the caller then makes the write a table write). It
/// is immutable once built.
/// </remarks>
public sealed class StoredValueMap
{
    private readonly Dictionary<string, object?> _byKey;

    private StoredValueMap(Dictionary<string, object?> byKey, StringMatching matching)
    {
        _byKey = byKey;
        Matching = matching;
    }

    /// <summary>Gets how stored strings compare (the column's collation).</summary>
    public StringMatching Matching { get; }

    /// <summary>Gets the number of stored values known.</summary>
    internal int Count => _byKey.Count;

    /// <summary>
    /// Builds the inverse of <paramref name="pairs"/> (CLR value, stored value); returns <see langword="null"/> when two CLR
    /// values store alike under <paramref name="matching"/>, a stored value is of a type the map cannot compare exactly, or
    /// <paramref name="matching"/> is <see cref="StringMatching.Excluded"/> and a stored value is a string.
    /// </summary>
    public static StoredValueMap? TryCreate(IEnumerable<(object? Clr, object? Stored)> pairs, StringMatching matching)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (clr, stored) in pairs)
        {
            if (KeyOf(stored, matching) is not { } key || !map.TryAdd(key, clr))
            {
                return null;
            }
        }

        return new StoredValueMap(map, matching);
    }

    /// <summary>Returns the CLR value stored as <paramref name="raw"/>; false when no CLR value stores as it.</summary>
    public bool TryMap(object? raw, out object? value)
    {
        if (KeyOf(raw, Matching) is { } key && _byKey.TryGetValue(key, out value))
        {
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>A comparable key for a stored value: null, an integer (any width) or a folded string; null when not comparable exactly.</summary>
    private static string? KeyOf(object? stored, StringMatching matching)
    {
        switch (stored)
        {
            case null or DBNull:
                return "n";
            case string s:
                return matching == StringMatching.Excluded ? null : "s" + ValueEncoder.Fold(s, matching);
            case char c:
                return matching == StringMatching.Excluded ? null : "s" + ValueEncoder.Fold(c.ToString(), matching);
            case bool b:
                return b ? "b1" : "b0";
            case sbyte or byte or short or ushort or int or uint or long:
                return "i" + Convert.ToInt64(stored, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case ulong u:
                return "i" + u.ToString(CultureInfo.InvariantCulture);
            case decimal m when decimal.Truncate(m) == m:
                return "i" + decimal.Truncate(m).ToString(CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }
}

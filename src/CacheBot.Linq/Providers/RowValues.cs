namespace CacheBot.Linq.Providers;

/// <summary>
/// A row image read from the database (pre- or post-image of a write): raw provider values by column name,
/// case-insensitive. Columns absent from the image are unknown, which makes a write fall back to a table write.
/// </summary>
internal sealed class RowValues
{
    /// <summary>A row with no known values: only the empty scheme ("any row") can be keyed from it.</summary>
    public static readonly RowValues Unknown = new(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase));

    private readonly Dictionary<string, object?> _values;

    public RowValues(Dictionary<string, object?> values) => _values = values;

    public bool TryGet(string column, out object? value) => _values.TryGetValue(column, out value);

    public int Count => _values.Count;
}

namespace CacheBot.Linq.Providers;

/// <summary>
/// A row image read from the database (pre- or post-image of a write): raw provider values by column name,
/// case-insensitive. Columns absent from the image are unknown, which makes a write fall back to a table write.
/// </summary>
/// <remarks>
/// Values are converted to the column's CLR type when a write is applied (<see cref="ColumnModel"/>); a value that cannot
/// be converted exactly makes the write a table write. Immutable once built.
/// </remarks>
public sealed class RowValues
{
    private readonly Dictionary<string, object?>? _values;
    private readonly RowLayout? _layout;
    private readonly object?[]? _row;

    /// <summary>Creates an image from column values (copied; column names compare case-insensitively).</summary>
    /// <param name="values">The values by column name; <see cref="DBNull"/> and <see langword="null"/> both mean SQL NULL.</param>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    public RowValues(IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, object?>(values, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Creates an image from one row's values in the order of <paramref name="layout"/> (the array is kept, not copied).</summary>
    /// <param name="layout">The statement's columns, shared by its images.</param>
    /// <param name="values">The row's raw values, one per column of <paramref name="layout"/>; do not change it afterwards.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have one value per column.</exception>
    public RowValues(RowLayout layout, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != layout.Count)
        {
            throw new ArgumentException($"The row has {values.Length} values for {layout.Count} columns.", nameof(values));
        }

        _layout = layout;
        _row = values;
    }

    private RowValues(Dictionary<string, object?> values, bool owned)
    {
        _ = owned;
        _values = values;
    }

    /// <summary>Gets a row with no known values: only the "any row" dependency can be matched from it.</summary>
    public static RowValues Unknown { get; } = new(new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), owned: true);

    /// <summary>Gets the number of known columns.</summary>
    public int Count => _values?.Count ?? _layout!.DistinctCount;

    /// <summary>Gets the known columns and their raw values.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Values => _values ?? LayoutValues();

    /// <summary>Reads a column's raw value.</summary>
    /// <param name="column">The column name (case-insensitive).</param>
    /// <param name="value">The raw value, when the column is known.</param>
    /// <returns>Whether the image holds the column.</returns>
    public bool TryGet(string column, out object? value)
    {
        if (_values is not null)
        {
            return _values.TryGetValue(column, out value);
        }

        if (_layout!.TryGetOrdinal(column, out var ordinal))
        {
            value = _row![ordinal];
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Creates an image from a dictionary the caller gives away: it is used as it is when it compares names with
    /// <see cref="StringComparer.OrdinalIgnoreCase"/> (no copy; do not change it afterwards), else copied.
    /// </summary>
    /// <param name="values">The values by column name.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    public static RowValues FromDictionary(Dictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return ReferenceEquals(values.Comparer, StringComparer.OrdinalIgnoreCase) ? new(values, owned: true) : new(values);
    }

    private IEnumerable<KeyValuePair<string, object?>> LayoutValues()
    {
        for (var i = 0; i < _row!.Length; i++)
        {
            if (_layout!.IsFirst(i))
            {
                yield return new KeyValuePair<string, object?>(_layout[i], _row[i]);
            }
        }
    }
}

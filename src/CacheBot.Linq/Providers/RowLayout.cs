namespace CacheBot.Linq.Providers;

/// <summary>
/// The column names of the row images one statement returns, shared by all of them, so each image is only an array of
/// values (<see cref="RowValues(RowLayout, object?[])"/>). Names compare case-insensitively; when a name repeats, its
/// first column counts.
/// </summary>
/// <remarks>Immutable; safe to share between threads and to reuse for every execution that returns the same columns.</remarks>
public sealed class RowLayout
{
    private readonly string[] _columns;
    private readonly Dictionary<string, int> _ordinals;

    /// <summary>Creates a layout from the columns in the order the statement returns them.</summary>
    /// <param name="columns">The column names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="columns"/> or one of its names is <see langword="null"/>.</exception>
    public RowLayout(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = new string[columns.Count];
        _ordinals = new Dictionary<string, int>(columns.Count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = columns[i] ?? throw new ArgumentNullException(nameof(columns), "A column name is null.");
            _ordinals.TryAdd(_columns[i], i);
        }
    }

    /// <summary>Gets the number of columns (repeated names included).</summary>
    public int Count => _columns.Length;

    /// <summary>Gets the name of the column at <paramref name="ordinal"/>.</summary>
    /// <param name="ordinal">The column's position.</param>
    public string this[int ordinal] => _columns[ordinal];

    /// <summary>Gets the number of distinct names.</summary>
    internal int DistinctCount => _ordinals.Count;

    /// <summary>Finds a column's position (its first, when the name repeats).</summary>
    internal bool TryGetOrdinal(string column, out int ordinal) => _ordinals.TryGetValue(column, out ordinal);

    /// <summary>Whether the column at <paramref name="ordinal"/> is the first of its name (the one images answer with).</summary>
    internal bool IsFirst(int ordinal) => _ordinals.TryGetValue(_columns[ordinal], out var first) && first == ordinal;
}

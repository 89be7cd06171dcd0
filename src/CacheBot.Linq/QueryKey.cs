using System.Globalization;

namespace CacheBot.Linq;

/// <summary>
/// The 128-bit identity of a cached query: expression tree (structure and values), database identity, result shape and
/// per-query options. Equal keys mean equal queries (DESIGN "Hot path": 128 bits are trusted; see docs/architecture.md).
/// </summary>
public readonly struct QueryKey : IEquatable<QueryKey>
{
    /// <summary>Initializes a key from its 128-bit value.</summary>
    /// <param name="value">The hash value.</param>
    public QueryKey(UInt128 value) => Value = value;

    /// <summary>Gets the 128-bit value.</summary>
    public UInt128 Value { get; }

    /// <summary>Writes the key as 32 lowercase hex characters.</summary>
    /// <param name="destination">At least 32 characters.</param>
    /// <returns>The number of characters written (32).</returns>
    public int Format(Span<char> destination)
    {
        Value.TryFormat(destination, out var written, "x32", CultureInfo.InvariantCulture);
        return written;
    }

    /// <inheritdoc/>
    public bool Equals(QueryKey other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is QueryKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)(ulong)Value ^ (int)(ulong)(Value >> 64);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Compares two keys.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(QueryKey left, QueryKey right) => left.Equals(right);

    /// <summary>Compares two keys.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(QueryKey left, QueryKey right) => !left.Equals(right);
}

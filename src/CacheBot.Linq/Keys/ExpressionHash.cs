namespace CacheBot.Linq.Keys;

/// <summary>The result of <see cref="ExpressionHasher.Hash"/>: the value hash, the shape hash and the flags of one tree.</summary>
/// <remarks>
/// <see cref="Full"/> covers the whole tree including constant and captured values; <see cref="Shape"/> covers the same
/// walk with scalar values replaced by their static type. Both are process-local: they hash runtime handles, so they must
/// never be persisted or shared between processes. When <see cref="Flags"/> contains
/// <see cref="ExpressionHashFlags.Unhashable"/> the hashes are not a sound key.
/// </remarks>
internal readonly struct ExpressionHash : IEquatable<ExpressionHash>
{
    /// <summary>Initializes a new instance of the <see cref="ExpressionHash"/> struct.</summary>
    /// <param name="full">The hash of the tree including values.</param>
    /// <param name="shape">The hash of the tree with values replaced by their types.</param>
    /// <param name="flags">What the walk found.</param>
    public ExpressionHash(UInt128 full, UInt128 shape, ExpressionHashFlags flags)
    {
        Full = full;
        Shape = shape;
        Flags = flags;
    }

    /// <summary>Gets the 128-bit hash of the tree including constant and captured values.</summary>
    public UInt128 Full { get; }

    /// <summary>Gets the 128-bit hash of the tree with constant and captured values replaced by their types.</summary>
    public UInt128 Shape { get; }

    /// <summary>Gets what the walk found (markers, unhashable content).</summary>
    public ExpressionHashFlags Flags { get; }

    /// <summary>Gets a value indicating whether the hashes may be used as a cache key.</summary>
    public bool IsHashable => (Flags & ExpressionHashFlags.Unhashable) == 0;

    /// <summary>Compares two hashes for equality.</summary>
    /// <param name="left">The first hash.</param>
    /// <param name="right">The second hash.</param>
    /// <returns><see langword="true"/> when all parts are equal.</returns>
    public static bool operator ==(ExpressionHash left, ExpressionHash right) => left.Equals(right);

    /// <summary>Compares two hashes for inequality.</summary>
    /// <param name="left">The first hash.</param>
    /// <param name="right">The second hash.</param>
    /// <returns><see langword="true"/> when any part differs.</returns>
    public static bool operator !=(ExpressionHash left, ExpressionHash right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ExpressionHash other) => Full == other.Full && Shape == other.Shape && Flags == other.Flags;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExpressionHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => unchecked((int)(ulong)Full); // Full is already uniformly distributed.

    /// <inheritdoc/>
    public override string ToString() => $"{Full:X32}/{Shape:X32}/{Flags}";
}

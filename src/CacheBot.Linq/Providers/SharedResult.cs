namespace CacheBot.Linq.Providers;

/// <summary>A query result as processes share it: the value, the dependency keys it was read under, and its read position.</summary>
/// <remarks>Immutable. The value is a scalar, an entity, or an array of rows; the cache copies it before handing it out.</remarks>
public sealed class SharedResult
{
    /// <summary>Creates a shared result.</summary>
    /// <param name="value">The result value.</param>
    /// <param name="dependencyKeys">The dependency keys (process-independent: table, scheme and values hashed).</param>
    /// <param name="position">The coordinator position the result was read at.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dependencyKeys"/> is <see langword="null"/>.</exception>
    public SharedResult(object? value, IReadOnlyList<ulong> dependencyKeys, long position)
    {
        ArgumentNullException.ThrowIfNull(dependencyKeys);
        Value = value;
        DependencyKeys = dependencyKeys;
        Position = position;
    }

    /// <summary>Gets the result value.</summary>
    public object? Value { get; }

    /// <summary>Gets the dependency keys.</summary>
    public IReadOnlyList<ulong> DependencyKeys { get; }

    /// <summary>Gets the position the result was read at.</summary>
    public long Position { get; }
}

namespace CacheBot.Linq;

/// <summary>
/// A stored query result with what it depends on: the dependency keys and the read position it was computed at (see
/// docs/architecture.md "Stamps and the race argument"). Produced and validated by <see cref="QueryCache"/>; stores only
/// keep it.
/// </summary>
public sealed class CachedQueryResult
{
    private readonly long _expiresAtUtcTicks;

    internal CachedQueryResult(object? value, ulong[] dependencyKeys, long position, long generation, long size, DateTimeOffset expiresAt, bool shared)
    {
        Value = value;
        DependencyKeys = dependencyKeys;
        Position = position;
        Generation = generation;
        Size = size;
        _expiresAtUtcTicks = expiresAt.UtcTicks;
        Shared = shared;
    }

    /// <summary>Gets the size of the entry in store units (rows; a scalar counts as 1).</summary>
    public long Size { get; }

    /// <summary>Gets when the entry stops being served.</summary>
    public DateTimeOffset ExpiresAt => new(_expiresAtUtcTicks, TimeSpan.Zero);

    internal object? Value { get; }

    /// <summary>Gets the keys whose slots must not have moved past <see cref="Position"/> for the entry to be valid.</summary>
    internal ulong[] DependencyKeys { get; }

    /// <summary>Gets the read position taken after the schemes were registered and before the query ran.</summary>
    internal long Position { get; }

    /// <summary>Gets the stamp generation the entry was read under.</summary>
    internal long Generation { get; }

    internal bool Shared { get; }

    /// <summary>Recent uses, saturating at 3 (<see cref="Storage.ClockResultStore"/>'s second chances): written on a hit only while below 3.</summary>
    internal byte Uses;

    /// <summary>The entry's slot in <see cref="Storage.ClockResultStore"/>'s ring (written under the store's lock only).</summary>
    internal int Slot;

    /// <summary>Gets or sets the statistics of the entry's query shape, so a hit counts without hashing the shape (null when off).</summary>
    internal Diagnostics.ShapeStatistics? Shape { get; set; }

    internal bool IsExpired(DateTimeOffset now) => now.UtcTicks >= _expiresAtUtcTicks;
}

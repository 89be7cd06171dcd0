using CacheBot.Linq.Invalidation;

namespace CacheBot.Linq;

/// <summary>
/// A stored query result with the version stamps of its dependencies as they were before the query ran.
/// Produced and validated by <see cref="QueryCache"/>; stores only keep it.
/// </summary>
public sealed class CachedQueryResult
{
    private readonly long _expiresAtUtcTicks;

    internal CachedQueryResult(object? value, DependencyStamp[] dependencies, long globalEpoch, long size, DateTimeOffset expiresAt, bool shared)
    {
        Value = value;
        Dependencies = dependencies;
        GlobalEpoch = globalEpoch;
        Size = size;
        _expiresAtUtcTicks = expiresAt.UtcTicks;
        Shared = shared;
    }

    /// <summary>Gets the size of the entry in store units (rows; a scalar counts as 1).</summary>
    public long Size { get; }

    /// <summary>Gets when the entry stops being served.</summary>
    public DateTimeOffset ExpiresAt => new(_expiresAtUtcTicks, TimeSpan.Zero);

    internal object? Value { get; }

    internal DependencyStamp[] Dependencies { get; }

    internal long GlobalEpoch { get; }

    internal bool Shared { get; }

    internal bool IsExpired(DateTimeOffset now) => now.UtcTicks >= _expiresAtUtcTicks;
}

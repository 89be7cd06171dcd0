namespace CacheBot.Linq;

/// <summary>
/// A stored query result with the version stamps of its dependencies as they were before the query ran.
/// Produced and validated by <see cref="QueryCache"/>; stores only keep it.
/// </summary>
public sealed class CachedQueryResult
{
    internal CachedQueryResult(object? value, ulong[] keys, long[] stamps, long globalEpoch, long size, DateTimeOffset expiresAt, bool shared)
    {
        Value = value;
        Keys = keys;
        Stamps = stamps;
        GlobalEpoch = globalEpoch;
        Size = size;
        ExpiresAt = expiresAt;
        Shared = shared;
    }

    /// <summary>Gets the size of the entry in store units (rows; a scalar counts as 1).</summary>
    public long Size { get; }

    /// <summary>Gets when the entry stops being served.</summary>
    public DateTimeOffset ExpiresAt { get; }

    internal object? Value { get; }

    internal ulong[] Keys { get; }

    internal long[] Stamps { get; }

    internal long GlobalEpoch { get; }

    internal bool Shared { get; }
}

namespace CacheBot.Linq.Keys;

/// <summary>What <see cref="ExpressionHasher"/> found while hashing a tree, beyond the hashes themselves.</summary>
[Flags]
internal enum ExpressionHashFlags
{
    /// <summary>Nothing special: an ordinary, fully hashed tree.</summary>
    None = 0,

    /// <summary>The tree contains a <c>Cache(...)</c> marker call.</summary>
    CacheMarker = 1,

    /// <summary>The tree contains a <c>NoCache()</c> marker call.</summary>
    NoCacheMarker = 2,

    /// <summary>
    /// The tree contains a node or a value that cannot be hashed deterministically; the hashes are still returned
    /// but must not be used as a cache key.
    /// </summary>
    Unhashable = 4,

    /// <summary>
    /// A portable hash (<see cref="ExpressionHasher.HashPortable"/>) met a value keyed by object identity: the hash is valid
    /// in this process only and must not be shared with other processes.
    /// </summary>
    NotPortable = 8,
}

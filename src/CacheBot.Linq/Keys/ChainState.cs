namespace CacheBot.Linq.Keys;

/// <summary>The outcome of reading one hop of a captured-value member chain.</summary>
internal enum ChainState
{
    /// <summary>A value was read (possibly <see langword="null"/>).</summary>
    Value,

    /// <summary>An instance member was read from <see langword="null"/>: the query itself would throw.</summary>
    NullDereference,

    /// <summary>The chain cannot be read (too deep, unsupported member).</summary>
    Failed,
}

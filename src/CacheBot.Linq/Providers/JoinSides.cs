namespace CacheBot.Linq.Providers;

/// <summary>Which sides of a <see cref="ChainMethodKind.Join"/> may be missing (a missing row reads as a row of nulls).</summary>
[Flags]
public enum JoinSides
{
    /// <summary>An inner or cross join: both rows exist.</summary>
    None = 0,

    /// <summary>The outer (argument 0) row may be missing (right and full joins).</summary>
    OuterOptional = 1,

    /// <summary>The inner (argument 1) row may be missing (left and full joins).</summary>
    InnerOptional = 2,
}

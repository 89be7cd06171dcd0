namespace CacheBot.Linq.Providers;

/// <summary>Whether the connections of one configuration reach one shared database.</summary>
public enum DatabaseKind
{
    /// <summary>Every connection reaches the same data: they share entries and invalidations.</summary>
    Shared = 0,

    /// <summary>
    /// Every connection is its own database (SQLite <c>:memory:</c>, a temporary database): each gets an identity of its
    /// own, so two connections never share entries or invalidations.
    /// </summary>
    PerConnection = 1,

    /// <summary>Connections may reach different data under one configuration (several hosts that may be standbys): reads are not cached.</summary>
    Uncacheable = 2,
}

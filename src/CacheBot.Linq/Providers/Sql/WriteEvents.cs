namespace CacheBot.Linq.Providers.Sql;

/// <summary>The kinds of write a trigger or rule fires on.</summary>
[Flags]
public enum WriteEvents
{
    /// <summary>No write.</summary>
    None = 0,

    /// <summary>INSERT.</summary>
    Insert = 1,

    /// <summary>UPDATE.</summary>
    Update = 2,

    /// <summary>DELETE.</summary>
    Delete = 4,

    /// <summary>TRUNCATE (PostgreSQL).</summary>
    Truncate = 8,

    /// <summary>Every kind (an upsert, a merge, or a write whose kind is unknown).</summary>
    All = Insert | Update | Delete | Truncate,
}

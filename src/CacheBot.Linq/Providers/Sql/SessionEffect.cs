namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Per-connection state a statement changes that alters what later statements on the connection read or write: while
/// any flag is set the connection's reads bypass the cache and its writes are database writes.
/// </summary>
[Flags]
public enum SessionEffect
{
    /// <summary>No session state.</summary>
    None = 0,

    /// <summary>Name resolution: PostgreSQL <c>search_path</c> (<c>SET search_path</c>, <c>SET SCHEMA</c>, <c>set_config</c>).</summary>
    SearchPath = 1 << 0,

    /// <summary>PostgreSQL <c>SET ROLE</c> (row-level security, privileges, <c>$user</c> in the search path).</summary>
    Role = 1 << 1,

    /// <summary>PostgreSQL <c>SET SESSION AUTHORIZATION</c>.</summary>
    SessionAuthorization = 1 << 2,

    /// <summary>Another setting that may change results (time zone, date style, LIKE case sensitivity, row security, unknown settings).</summary>
    Setting = 1 << 3,

    /// <summary>Temporary tables or views, which shadow permanent ones of the same name.</summary>
    TemporaryObjects = 1 << 4,

    /// <summary>SQLite <c>ATTACH</c>: more schemas in name resolution.</summary>
    Attached = 1 << 5,

    /// <summary>
    /// A setting that changes how SQL text is lexed (PostgreSQL <c>standard_conforming_strings</c>, <c>backslash_quote</c>):
    /// every later statement on the connection, reads included, is a database write.
    /// </summary>
    Lexing = 1 << 6,

    /// <summary>Every flag: what <c>DISCARD ALL</c> resets, or what an unknown session statement may have set.</summary>
    All = SearchPath | Role | SessionAuthorization | Setting | TemporaryObjects | Attached | Lexing,
}

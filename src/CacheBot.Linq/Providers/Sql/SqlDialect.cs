namespace CacheBot.Linq.Providers.Sql;

/// <summary>Which lexical rules and statement forms the SQL text follows.</summary>
public enum SqlDialect
{
    /// <summary>
    /// An unknown database: the common SQL forms, with anything one database reads differently from another (backslash
    /// escapes, <c>#</c> comments, dollar quotes, nested comments) marking the text ambiguous, which makes it a database write.
    /// </summary>
    Generic = 0,

    /// <summary>SQLite: <c>"x"</c>, <c>[x]</c> and <c>`x`</c> identifiers, flat block comments, <c>?</c>/<c>:p</c>/<c>@p</c>/<c>$p</c> parameters.</summary>
    Sqlite,

    /// <summary>PostgreSQL: nested block comments, dollar quoting, <c>E''</c> strings, <c>$1</c> and <c>:p</c>/<c>@p</c> parameters.</summary>
    PostgreSql,
}

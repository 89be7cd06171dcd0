namespace CacheBot.Linq.Providers;

/// <summary>How the database compares a string column, so both sides of invalidation encode strings alike.</summary>
public enum StringMatching
{
    /// <summary>Ordinal: case, accents and trailing spaces matter (SQLite BINARY, PostgreSQL deterministic collations, LINQ-to-Objects).</summary>
    Ordinal = 0,

    /// <summary>Case-insensitive and trailing spaces ignored: values are upper-cased (invariant) and right-trimmed on both sides.</summary>
    IgnoreCaseAndTrailingSpaces = 1,

    /// <summary>Unknown collation: the column never forms part of a scheme (sound, less precise).</summary>
    Excluded = 2,
}

namespace CacheBot.Linq.Providers;

/// <summary>
/// How the database compares a string column, so both sides of invalidation encode strings alike. Every fold must
/// make at least the strings equal that the database finds equal (it may make more equal: that only invalidates more).
/// </summary>
public enum StringMatching
{
    /// <summary>Ordinal: case, accents and trailing spaces matter (SQLite BINARY, PostgreSQL deterministic collations, LINQ-to-Objects).</summary>
    Ordinal = 0,

    /// <summary>Case-insensitive and trailing spaces ignored: values are upper-cased (invariant) and right-trimmed on both sides.</summary>
    IgnoreCaseAndTrailingSpaces = 1,

    /// <summary>Unknown collation: the column never forms part of a scheme (sound, less precise).</summary>
    Excluded = 2,

    /// <summary>
    /// ASCII-only case folding, as SQLite's <c>NOCASE</c>: <c>a</c>-<c>z</c> are upper-cased on both sides, every other
    /// character compares ordinally (so <c>é</c> and <c>É</c> stay different, as in SQLite).
    /// </summary>
    AsciiIgnoreCase = 3,

    /// <summary>
    /// Trailing spaces (U+0020 only) ignored, otherwise ordinal: SQLite's <c>RTRIM</c> collation and PostgreSQL's
    /// <c>character(n)</c> (<c>bpchar</c>), whose values come back padded.
    /// </summary>
    TrailingSpaces = 4,

    /// <summary><see cref="AsciiIgnoreCase"/> and <see cref="TrailingSpaces"/> together (a <c>NOCASE</c> column mapped as fixed-length).</summary>
    AsciiIgnoreCaseAndTrailingSpaces = 5,
}

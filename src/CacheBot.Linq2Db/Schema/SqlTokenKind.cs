namespace CacheBot.Linq2Db.Schema;

/// <summary>The kinds of <see cref="SqlToken"/>.</summary>
internal enum SqlTokenKind
{
    /// <summary>A bare or quoted identifier (also keywords).</summary>
    Identifier = 0,

    /// <summary>A single-quoted string literal.</summary>
    String = 1,

    /// <summary>A numeric literal.</summary>
    Number = 2,

    /// <summary>One punctuation or operator character.</summary>
    Punctuation = 3,
}

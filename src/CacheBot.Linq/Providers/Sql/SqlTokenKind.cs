namespace CacheBot.Linq.Providers.Sql;

/// <summary>The kind of a <see cref="SqlToken"/>. Comments and white space produce no tokens.</summary>
public enum SqlTokenKind : byte
{
    /// <summary>An unquoted identifier or keyword.</summary>
    Word,

    /// <summary>A quoted identifier: <c>"x"</c>, and in SQLite also <c>[x]</c> and <c>`x`</c>.</summary>
    QuotedIdentifier,

    /// <summary>A string literal in any form (<c>'x'</c>, <c>E'x'</c>, <c>X'00'</c>, <c>$tag$x$tag$</c>).</summary>
    StringLiteral,

    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>A parameter placeholder (<c>@p</c>, <c>:p</c>, <c>$1</c>, <c>?</c>).</summary>
    Parameter,

    /// <summary><c>(</c>.</summary>
    OpenParen,

    /// <summary><c>)</c>.</summary>
    CloseParen,

    /// <summary><c>,</c>.</summary>
    Comma,

    /// <summary><c>;</c>.</summary>
    Semicolon,

    /// <summary><c>.</c>.</summary>
    Dot,

    /// <summary>Any other punctuation (one character, or <c>::</c>).</summary>
    Operator,
}

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Splits SQL text into tokens the way the database's own lexer does, for the dialects CacheBot supports: comments in
/// every position (<c>--</c> to the end of the line, block comments, nested in PostgreSQL), string literals with their
/// escapes (<c>''</c>, PostgreSQL <c>E'\''</c>, dollar quoting <c>$$...$$</c> / <c>$tag$...$tag$</c>), quoted identifiers
/// (<c>"x"</c>; SQLite also <c>[x]</c> and <c>`x`</c>) and parameters. Comments and white space produce no tokens.
/// </summary>
/// <remarks>
/// Soundness: where the text could be read differently by the database (unterminated literals or comments, a
/// parenthesis closed that was never opened, and, for <see cref="SqlDialect.Generic"/>, lexical forms whose meaning
/// depends on the database: backslashes in strings, <c>#</c>, <c>$</c> outside literals, nested comments, a lone
/// carriage return in a line comment) the result is marked <see cref="SqlText.Ambiguous"/>, and the classifier then
/// treats every statement of the text as a write of the whole database.
/// </remarks>
public static class SqlTokenizer
{
    /// <summary>Splits <paramref name="text"/> into tokens by the lexical rules of <paramref name="dialect"/>.</summary>
    /// <param name="text">The SQL text.</param>
    /// <param name="dialect">The database's dialect.</param>
    /// <returns>The tokens, flagged <see cref="SqlText.Ambiguous"/> when the database may read the text differently.</returns>
    public static SqlText Tokenize(string text, SqlDialect dialect)
    {
        var tokens = new List<SqlToken>(Math.Max(8, text.Length / 5));
        var ambiguous = false;
        var depth = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '-' && At(text, i + 1) == '-')
            {
                i = SkipLineComment(text, i, dialect, ref ambiguous);
                continue;
            }

            if (c == '/' && At(text, i + 1) == '*')
            {
                i = SkipBlockComment(text, i, dialect, ref ambiguous);
                continue;
            }

            var start = i;
            SqlTokenKind kind;
            switch (c)
            {
                case '\'':
                    i = SkipString(text, i, backslashEscapes: false, dialect, ref ambiguous);
                    kind = SqlTokenKind.StringLiteral;
                    break;
                case '"':
                    i = SkipQuoted(text, i, '"', doubledEscapes: true, ref ambiguous);
                    kind = SqlTokenKind.QuotedIdentifier;
                    break;
                case '[' when dialect != SqlDialect.PostgreSql:
                    i = SkipQuoted(text, i, ']', doubledEscapes: false, ref ambiguous);
                    kind = SqlTokenKind.QuotedIdentifier;
                    break;
                case '`' when dialect != SqlDialect.PostgreSql:
                    i = SkipQuoted(text, i, '`', doubledEscapes: true, ref ambiguous);
                    kind = SqlTokenKind.QuotedIdentifier;
                    break;
                case '$':
                    kind = ReadDollar(text, ref i, dialect, ref ambiguous);
                    break;
                case '@':
                    kind = ReadPrefixedParameter(text, ref i);
                    break;
                case ':' when At(text, i + 1) == ':':
                    i += 2;
                    kind = SqlTokenKind.Operator;
                    break;
                case ':':
                    kind = ReadPrefixedParameter(text, ref i);
                    break;
                case '?' when dialect != SqlDialect.PostgreSql:
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    kind = SqlTokenKind.Parameter;
                    break;
                case '#' when dialect == SqlDialect.Generic:
                    // A comment in MySQL, an operator or identifier character elsewhere.
                    ambiguous = true;
                    i++;
                    kind = SqlTokenKind.Operator;
                    break;
                case '(':
                    tokens.Add(new SqlToken(SqlTokenKind.OpenParen, i, i + 1, depth));
                    depth++;
                    i++;
                    continue;
                case ')':
                    if (depth == 0)
                    {
                        ambiguous = true;
                    }
                    else
                    {
                        depth--;
                    }

                    tokens.Add(new SqlToken(SqlTokenKind.CloseParen, i, i + 1, depth));
                    i++;
                    continue;
                case ',':
                    i++;
                    kind = SqlTokenKind.Comma;
                    break;
                case ';':
                    i++;
                    kind = SqlTokenKind.Semicolon;
                    break;
                case '.' when !char.IsAsciiDigit(At(text, i + 1)):
                    i++;
                    kind = SqlTokenKind.Dot;
                    break;
                default:
                    if (char.IsAsciiDigit(c) || c == '.')
                    {
                        i = SkipNumber(text, i);
                        kind = SqlTokenKind.Number;
                    }
                    else if (IsIdentifierStart(c))
                    {
                        kind = ReadWordOrPrefixedLiteral(text, ref i, dialect, ref ambiguous);
                    }
                    else
                    {
                        i++;
                        kind = SqlTokenKind.Operator;
                    }

                    break;
            }

            tokens.Add(new SqlToken(kind, start, i, depth));
        }

        return new SqlText(text, dialect, [.. tokens], ambiguous || depth != 0);
    }

    private static char At(string text, int index) => index < text.Length ? text[index] : '\0';

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_' || c >= 0x80;

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c >= 0x80;

    private static int SkipLineComment(string text, int i, SqlDialect dialect, ref bool ambiguous)
    {
        for (i += 2; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                return i + 1;
            }

            if (c == '\r')
            {
                // PostgreSQL ends a line comment at either; SQLite only at \n.
                if (dialect == SqlDialect.PostgreSql)
                {
                    return i + 1;
                }

                if (dialect == SqlDialect.Generic && At(text, i + 1) != '\n')
                {
                    ambiguous = true;
                }
            }
        }

        return i;
    }

    private static int SkipBlockComment(string text, int i, SqlDialect dialect, ref bool ambiguous)
    {
        var nesting = 1;
        for (i += 2; i < text.Length; i++)
        {
            if (text[i] == '*' && At(text, i + 1) == '/')
            {
                i++;
                if (--nesting == 0)
                {
                    return i + 1;
                }
            }
            else if (text[i] == '/' && At(text, i + 1) == '*')
            {
                if (dialect == SqlDialect.PostgreSql)
                {
                    nesting++;
                    i++;
                }
                else if (dialect == SqlDialect.Generic)
                {
                    // SQL Server nests block comments, MySQL does not.
                    ambiguous = true;
                }
            }
        }

        // Unterminated: SQLite accepts it (the comment runs to the end); PostgreSQL rejects the text.
        if (dialect != SqlDialect.Sqlite)
        {
            ambiguous = true;
        }

        return i;
    }

    private static int SkipString(string text, int i, bool backslashEscapes, SqlDialect dialect, ref bool ambiguous)
    {
        for (i++; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (backslashEscapes)
                {
                    i++;
                    continue;
                }

                if (dialect == SqlDialect.Generic)
                {
                    // MySQL (and PostgreSQL with standard_conforming_strings off) read \' as an escaped quote.
                    ambiguous = true;
                }
            }
            else if (c == '\'')
            {
                if (At(text, i + 1) != '\'')
                {
                    return i + 1;
                }

                i++;
            }
        }

        ambiguous = true;
        return i;
    }

    private static int SkipQuoted(string text, int i, char close, bool doubledEscapes, ref bool ambiguous)
    {
        for (i++; i < text.Length; i++)
        {
            if (text[i] != close)
            {
                continue;
            }

            if (doubledEscapes && At(text, i + 1) == close)
            {
                i++;
                continue;
            }

            return i + 1;
        }

        ambiguous = true;
        return i;
    }

    private static int SkipNumber(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if ((c is 'e' or 'E') && At(text, i + 1) is '+' or '-' && char.IsAsciiDigit(At(text, i + 2)) && !IsHex(text, i))
            {
                i += 2;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                break;
            }

            i++;
        }

        return i;
    }

    private static bool IsHex(string text, int i)
    {
        var start = i;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '.'))
        {
            start--;
        }

        return i - start >= 2 && text[start] == '0' && text[start + 1] is 'x' or 'X';
    }

    private static SqlTokenKind ReadPrefixedParameter(string text, ref int i)
    {
        if (IsIdentifierStart(At(text, i + 1)))
        {
            for (i += 2; i < text.Length && IsIdentifierPart(text[i]); i++)
            {
            }

            return SqlTokenKind.Parameter;
        }

        i++;
        return SqlTokenKind.Operator;
    }

    private static SqlTokenKind ReadDollar(string text, ref int i, SqlDialect dialect, ref bool ambiguous)
    {
        var next = At(text, i + 1);
        if (dialect == SqlDialect.Sqlite)
        {
            return ReadPrefixedParameter(text, ref i);
        }

        if (dialect == SqlDialect.Generic)
        {
            // Dollar quoting or positional parameters in some databases, an identifier character in others.
            ambiguous = true;
            i++;
            return SqlTokenKind.Operator;
        }

        if (char.IsAsciiDigit(next))
        {
            for (i++; i < text.Length && char.IsAsciiDigit(text[i]); i++)
            {
            }

            return SqlTokenKind.Parameter;
        }

        // $tag$ ... $tag$ (the tag may be empty; it cannot start with a digit, which was handled above).
        var j = i + 1;
        while (j < text.Length && text[j] != '$' && (char.IsLetterOrDigit(text[j]) || text[j] == '_' || text[j] >= 0x80))
        {
            j++;
        }

        if (At(text, j) != '$')
        {
            i++;
            return SqlTokenKind.Operator;
        }

        var tag = text.AsSpan(i, j - i + 1);
        var close = text.AsSpan(j + 1).IndexOf(tag, StringComparison.Ordinal);
        if (close < 0)
        {
            ambiguous = true;
            i = text.Length;
        }
        else
        {
            i = j + 1 + close + tag.Length;
        }

        return SqlTokenKind.StringLiteral;
    }

    private static SqlTokenKind ReadWordOrPrefixedLiteral(string text, ref int i, SqlDialect dialect, ref bool ambiguous)
    {
        var start = i;
        for (i++; i < text.Length && IsIdentifierPart(text[i]); i++)
        {
        }

        var length = i - start;
        var next = At(text, i);
        if (length == 1 && dialect == SqlDialect.PostgreSql && text[start] is 'U' or 'u' && next == '&' && At(text, i + 1) is '\'' or '"')
        {
            // U&'...' (string) and U&"..." (identifier): \ starts a Unicode escape, quotes are still doubled.
            i++;
            if (text[i] == '"')
            {
                i = SkipQuoted(text, i, '"', doubledEscapes: true, ref ambiguous);
                return SqlTokenKind.QuotedIdentifier;
            }

            i = SkipString(text, i, backslashEscapes: false, dialect, ref ambiguous);
            return SqlTokenKind.StringLiteral;
        }

        if (next != '\'' || length != 1)
        {
            return SqlTokenKind.Word;
        }

        switch (char.ToUpperInvariant(text[start]))
        {
            case 'E' when dialect != SqlDialect.Sqlite:
                // PostgreSQL escape string: \' and \\ are escapes.
                if (dialect == SqlDialect.Generic)
                {
                    ambiguous = true;
                }

                i = SkipString(text, i, backslashEscapes: true, dialect, ref ambiguous);
                return SqlTokenKind.StringLiteral;
            case 'X':
            case 'B' when dialect != SqlDialect.Sqlite:
            case 'N' when dialect != SqlDialect.Sqlite:
                i = SkipString(text, i, backslashEscapes: false, dialect, ref ambiguous);
                return SqlTokenKind.StringLiteral;
            default:
                return SqlTokenKind.Word;
        }
    }
}

namespace CacheBot.Linq.Providers.Sql;

/// <summary>One token of catalog SQL, decoded from the write path's <see cref="SqlTokenizer"/> (see <see cref="Tokenize"/>).</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The identifier (unquoted), the string literal's content, the number, or the punctuation.</param>
/// <param name="Depth">The parenthesis depth; an opening parenthesis has the depth outside it, as its closing one.</param>
/// <param name="Quoted">Whether the identifier or literal was quoted.</param>
internal readonly record struct CatalogToken(CatalogTokenKind Kind, string Text, int Depth, bool Quoted)
{
    /// <summary>Returns whether this is the unquoted keyword <paramref name="keyword"/>.</summary>
    public bool Is(string keyword) => Kind == CatalogTokenKind.Identifier && !Quoted && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns whether this is the punctuation <paramref name="c"/>.</summary>
    public bool IsPunctuation(char c) => Kind == CatalogTokenKind.Punctuation && Text.Length == 1 && Text[0] == c;

    /// <summary>
    /// Tokenizes catalog SQL (SQLite <c>CREATE</c> statements, PostgreSQL default expressions) with the write path's lexer.
    /// Text the lexer finds ambiguous becomes a single unknown token, which every catalog reader treats as unreadable
    /// (unknown collations, trigger targets and defaults; an opaque view).
    /// </summary>
    public static List<CatalogToken> Tokenize(string sql, SqlDialect dialect = SqlDialect.Sqlite)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var text = SqlTokenizer.Tokenize(sql, dialect);
        if (text.Ambiguous)
        {
            return [new CatalogToken(CatalogTokenKind.Punctuation, "?", 0, Quoted: false)];
        }

        var tokens = new List<CatalogToken>(text.Count);
        for (var i = 0; i < text.Count; i++)
        {
            var token = text[i];
            var span = text.Span(i);
            tokens.Add(token.Kind switch
            {
                SqlTokenKind.Word => new CatalogToken(CatalogTokenKind.Identifier, span.ToString(), token.Depth, Quoted: false),
                SqlTokenKind.QuotedIdentifier when text.Name(i) is { } name => new CatalogToken(CatalogTokenKind.Identifier, name, token.Depth, Quoted: true),
                SqlTokenKind.StringLiteral when span.Length >= 2 && span[0] == '\'' =>
                    new CatalogToken(CatalogTokenKind.String, span[1..^1].ToString().Replace("''", "'", StringComparison.Ordinal), token.Depth, Quoted: true),
                SqlTokenKind.Number => new CatalogToken(CatalogTokenKind.Number, span.ToString(), token.Depth, Quoted: false),
                SqlTokenKind.OpenParen or SqlTokenKind.CloseParen or SqlTokenKind.Comma or SqlTokenKind.Semicolon or SqlTokenKind.Dot or SqlTokenKind.Operator =>
                    new CatalogToken(CatalogTokenKind.Punctuation, span.ToString(), token.Depth, Quoted: false),
                _ => new CatalogToken(CatalogTokenKind.Punctuation, "?" + span.ToString(), token.Depth, Quoted: false),
            });
        }

        return tokens;
    }
}

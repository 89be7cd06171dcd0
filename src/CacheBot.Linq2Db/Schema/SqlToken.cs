namespace CacheBot.Linq2Db.Schema;

/// <summary>One token of catalog SQL (see <see cref="SqlTokenizer"/>).</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The identifier (unquoted), the string literal's content, the number, or the punctuation character.</param>
/// <param name="Depth">The parenthesis depth; an opening parenthesis has the depth outside it, as its closing one.</param>
/// <param name="Quoted">Whether the identifier or literal was quoted.</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Depth, bool Quoted)
{
    /// <summary>Returns whether this is the unquoted keyword <paramref name="keyword"/>.</summary>
    public bool Is(string keyword) => Kind == SqlTokenKind.Identifier && !Quoted && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns whether this is the punctuation character <paramref name="c"/>.</summary>
    public bool IsPunctuation(char c) => Kind == SqlTokenKind.Punctuation && Text.Length == 1 && Text[0] == c;
}

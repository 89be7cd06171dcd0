namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// SQL text split into tokens by <see cref="SqlTokenizer"/>, with helpers to read keywords and names. Immutable.
/// </summary>
/// <remarks>
/// <see cref="Ambiguous"/> is set when the text may be read differently by the database than by the tokenizer
/// (an unterminated literal or comment, unbalanced parentheses, or, for <see cref="SqlDialect.Generic"/>, lexical
/// forms whose meaning depends on the database). Classification then treats every statement as a database write.
/// </remarks>
public sealed class SqlText
{
    private readonly SqlToken[] _tokens;

    /// <summary>Initializes a new instance of the <see cref="SqlText"/> class (see <see cref="SqlTokenizer.Tokenize"/>).</summary>
    /// <param name="text">The SQL text.</param>
    /// <param name="dialect">The dialect it was read with.</param>
    /// <param name="tokens">Its tokens, in order.</param>
    /// <param name="ambiguous">Whether the database may read the text differently.</param>
    public SqlText(string text, SqlDialect dialect, SqlToken[] tokens, bool ambiguous)
    {
        Text = text;
        Dialect = dialect;
        _tokens = tokens;
        Ambiguous = ambiguous;
    }

    /// <summary>Gets the SQL text.</summary>
    public string Text { get; }

    /// <summary>Gets the dialect the text was read with.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Gets whether the database may read the text differently than the tokenizer did (then nothing in it is trusted).</summary>
    public bool Ambiguous { get; }

    /// <summary>Gets the number of tokens.</summary>
    public int Count => _tokens.Length;

    /// <summary>Gets the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token index.</param>
    public SqlToken this[int index] => _tokens[index];

    /// <summary>Gets the text of the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token index.</param>
    /// <returns>The token's characters.</returns>
    public ReadOnlySpan<char> Span(int index) => Text.AsSpan(_tokens[index].Start, _tokens[index].Length);

    /// <summary>Whether the token at <paramref name="index"/> exists and has <paramref name="kind"/>.</summary>
    public bool IsKind(int index, SqlTokenKind kind) => (uint)index < (uint)_tokens.Length && _tokens[index].Kind == kind;

    /// <summary>Whether the token at <paramref name="index"/> is the unquoted keyword <paramref name="keyword"/> (case-insensitive).</summary>
    public bool IsWord(int index, string keyword) =>
        IsKind(index, SqlTokenKind.Word) && Span(index).Equals(keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the token at <paramref name="index"/> is an unquoted word equal to one of <paramref name="keywords"/>.</summary>
    public bool IsAnyWord(int index, ReadOnlySpan<string> keywords)
    {
        if (!IsKind(index, SqlTokenKind.Word))
        {
            return false;
        }

        var span = Span(index);
        foreach (var keyword in keywords)
        {
            if (span.Equals(keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the token at <paramref name="index"/> can be part of a name (a word or a quoted identifier).</summary>
    public bool IsName(int index) => IsKind(index, SqlTokenKind.Word) || IsKind(index, SqlTokenKind.QuotedIdentifier);

    /// <summary>
    /// The identifier a name token denotes: a word as written, a quoted identifier without its quotes (doubled quotes
    /// collapsed); <see langword="null"/> for other tokens or quoted forms CacheBot does not decode (<c>U&amp;"..."</c>).
    /// </summary>
    public string? Name(int index)
    {
        if (IsKind(index, SqlTokenKind.Word))
        {
            return Span(index).ToString();
        }

        if (!IsKind(index, SqlTokenKind.QuotedIdentifier))
        {
            return null;
        }

        var span = Span(index);
        var open = span[0];
        if (span.Length < 2 || open is not ('"' or '[' or '`'))
        {
            return null;
        }

        var inner = span[1..^1];
        return open switch
        {
            '"' => inner.ToString().Replace("\"\"", "\"", StringComparison.Ordinal),
            '`' => inner.ToString().Replace("``", "`", StringComparison.Ordinal),
            _ => inner.ToString(),
        };
    }

    /// <summary>The name at <paramref name="index"/> for comparisons: unquoted words folded to lower case, quoted names exact.</summary>
    public string? FoldedName(int index) =>
        IsKind(index, SqlTokenKind.Word) ? Span(index).ToString().ToLowerInvariant() : Name(index);

    /// <summary>The text from the start of token <paramref name="from"/> to the end of token <paramref name="to"/> (inclusive).</summary>
    public string Slice(int from, int to) => from > to ? string.Empty : Text[_tokens[from].Start.._tokens[to].End];
}

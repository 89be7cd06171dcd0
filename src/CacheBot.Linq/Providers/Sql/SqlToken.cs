namespace CacheBot.Linq.Providers.Sql;

/// <summary>One token of SQL text: its kind, its span in the text, and its parenthesis depth (0 at statement level).</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, int Depth)
{
    /// <summary>Gets the token's length in characters.</summary>
    public int Length => End - Start;
}

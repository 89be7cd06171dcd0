namespace CacheBot.Linq2Db.Writes.Sql;

/// <summary>One token of SQL text: its kind, its span in the text, and its parenthesis depth (0 at statement level).</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, int Depth)
{
    public int Length => End - Start;
}

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Classifies SQL text for invalidation: which table a write targets and, for UPDATE/DELETE, its table clause and
/// WHERE condition. It scans at parenthesis depth 0, skipping string literals, quoted identifiers and comments.
/// Anything it does not recognise is <see cref="SqlStatementKind.Unknown"/>, which invalidates the whole database (sound).
/// </summary>
internal static class SqlWriteParser
{
    private static readonly HashSet<string> ReadOnlyKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "VALUES", "PRAGMA", "EXPLAIN", "SHOW", "SET", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
        "ANALYZE", "VACUUM", "DECLARE", "FETCH", "CLOSE", "LISTEN", "UNLISTEN", "NOTIFY", "RESET", "DISCARD", "START",
    };

    public static SqlStatement Parse(string sql)
    {
        var words = Scanner.TopLevelWords(sql);
        if (words.Count == 0)
        {
            return SqlStatement.ReadOnly;
        }

        if (Scanner.HasSecondStatement(sql))
        {
            return SqlStatement.Unknown;
        }

        var first = words[0].Text.ToUpperInvariant();
        switch (first)
        {
            case "BEGIN" or "START" when !(words.Count > 1 && words[1].Is("SAVEPOINT")):
                return SqlStatement.Begin;
            case "COMMIT" or "END":
            case "ROLLBACK" when !Scanner.ContainsWord(words, "TO"):
                return SqlStatement.End;
        }

        if (first == "EXPLAIN")
        {
            // EXPLAIN ANALYZE runs the statement it explains.
            return Scanner.ContainsWord(words, "ANALYZE", "ANALYSE") ? SqlStatement.Unknown : SqlStatement.ReadOnly;
        }

        if (ReadOnlyKeywords.Contains(first))
        {
            return first == "SELECT" && Scanner.ContainsWord(words, "INTO") ? SqlStatement.Unknown : SqlStatement.ReadOnly;
        }

        return first switch
        {
            // A data-modifying CTE may sit at any depth: WITH d AS (DELETE ... RETURNING *) SELECT ...
            "WITH" => Scanner.ContainsWord(Scanner.AllWords(sql), "INSERT", "UPDATE", "DELETE", "MERGE") ? SqlStatement.Unknown : SqlStatement.ReadOnly,
            "INSERT" or "REPLACE" => ParseInsert(sql, words),
            "UPDATE" => ParseUpdate(sql, words),
            "DELETE" => ParseDelete(sql, words),
            "MERGE" => TableAfter(sql, words, "INTO"),
            "TRUNCATE" => TableAt(sql, words, words.Count > 1 && words[1].Is("TABLE") ? 2 : 1),
            "CREATE" or "ALTER" or "DROP" => ParseDdl(sql, words),
            _ => SqlStatement.Unknown,
        };
    }

    private static SqlStatement ParseInsert(string sql, List<Scanner.Word> words)
    {
        var into = Scanner.IndexOfWord(words, "INTO");
        if (into < 0)
        {
            return SqlStatement.Unknown;
        }

        var (schema, table, _) = Scanner.ReadName(sql, words[into].End);
        if (table is null)
        {
            return SqlStatement.Unknown;
        }

        var upsert = words[0].Is("REPLACE") || (words.Count > 2 && words[1].Is("OR") && words[2].Is("REPLACE"))
            || Scanner.ContainsWord(words, "CONFLICT") || Scanner.ContainsWord(words, "DUPLICATE");
        return new SqlStatement(upsert ? SqlStatementKind.TableWrite : SqlStatementKind.Insert, schema, table,
            HasReturning: Scanner.ContainsWord(words, "RETURNING") || Scanner.ContainsWord(words, "OUTPUT"));
    }

    private static SqlStatement ParseUpdate(string sql, List<Scanner.Word> words)
    {
        if (words.Count > 2 && words[1].Is("OR"))
        {
            // UPDATE OR REPLACE (and the other SQLite conflict clauses) may delete or skip rows that neither image reports.
            return FromName(Scanner.ReadName(sql, words[2].End));
        }

        const int start = 1;

        var set = Scanner.IndexOfWord(words, "SET");
        if (set < 0 || start >= words.Count)
        {
            return SqlStatement.Unknown;
        }

        var (schema, table, _) = Scanner.ReadName(sql, words[start - 1].End);
        if (table is null)
        {
            return SqlStatement.Unknown;
        }

        var tableClause = sql[words[start - 1].End..words[set].Start].Trim();
        var where = Scanner.IndexOfWord(words, "WHERE", set);
        var returning = Scanner.IndexOfWord(words, "RETURNING", set);
        var whereText = where < 0 ? null : sql[words[where].End..(returning < 0 ? sql.Length : words[returning].Start)].Trim();
        return new SqlStatement(SqlStatementKind.Update, schema, table, tableClause, whereText,
            HasFrom: Scanner.IndexOfWord(words, "FROM", set) >= 0, HasReturning: returning >= 0 || Scanner.ContainsWord(words, "OUTPUT"));
    }

    private static SqlStatement ParseDelete(string sql, List<Scanner.Word> words)
    {
        var from = Scanner.IndexOfWord(words, "FROM");
        if (from < 0)
        {
            return SqlStatement.Unknown;
        }

        var (schema, table, _) = Scanner.ReadName(sql, words[from].End);
        if (table is null)
        {
            return SqlStatement.Unknown;
        }

        var where = Scanner.IndexOfWord(words, "WHERE", from);
        var returning = Scanner.IndexOfWord(words, "RETURNING", from);
        var clauseEnd = where >= 0 ? words[where].Start : returning >= 0 ? words[returning].Start : sql.Length;
        var whereText = where < 0 ? null : sql[words[where].End..(returning < 0 ? sql.Length : words[returning].Start)].Trim();
        return new SqlStatement(SqlStatementKind.Delete, schema, table, sql[words[from].End..clauseEnd].Trim(), whereText,
            HasFrom: Scanner.IndexOfWord(words, "USING", from) >= 0 || Scanner.IndexOfWord(words, "FROM", from + 1) >= 0,
            HasReturning: returning >= 0 || Scanner.ContainsWord(words, "OUTPUT"));
    }

    private static SqlStatement ParseDdl(string sql, List<Scanner.Word> words)
    {
        var table = Scanner.IndexOfWord(words, "TABLE");
        if (table >= 0)
        {
            var index = table + 1;
            while (index < words.Count && (words[index].Is("IF") || words[index].Is("NOT") || words[index].Is("EXISTS") || words[index].Is("ONLY")))
            {
                index++;
            }

            return TableAt(sql, words, index, words[index - 1].End) with { IsDdl = true };
        }

        var on = Scanner.IndexOfWord(words, "ON");
        return (Scanner.ContainsWord(words, "INDEX") && on >= 0 ? TableAfter(sql, words, "ON") : SqlStatement.Unknown) with { IsDdl = true };
    }

    private static SqlStatement TableAfter(string sql, List<Scanner.Word> words, string keyword)
    {
        var index = Scanner.IndexOfWord(words, keyword);
        return index < 0 ? SqlStatement.Unknown : FromName(Scanner.ReadName(sql, words[index].End));
    }

    private static SqlStatement TableAt(string sql, List<Scanner.Word> words, int index, int? position = null) =>
        index > words.Count ? SqlStatement.Unknown : FromName(Scanner.ReadName(sql, position ?? words[index - 1].End));

    private static SqlStatement FromName((string? Schema, string? Table, int End) name) =>
        name.Table is null ? SqlStatement.Unknown : new SqlStatement(SqlStatementKind.TableWrite, name.Schema, name.Table);
}

namespace CacheBot.Linq.Providers.Sql;

public static partial class SqlClassifier
{
    /// <summary>Words before <c>name (</c> that make it an object name with a column or parameter list, not a call.</summary>
    private static readonly string[] ObjectNamePrefixes =
    [
        "AS", "INTO", "TABLE", "REFERENCES", "COPY", "PREPARE", "EXECUTE", "CALL", "VACUUM", "ANALYZE", "ANALYSE", "TRUNCATE",
        "FUNCTION", "PROCEDURE", "CONSTRAINT", "INDEX", "TRIGGER", "VIEW", "SEQUENCE", "TYPE", "CURSOR", "AGGREGATE", "TABLESAMPLE",
    ];

    /// <summary>Adds the calls of [start, end) that are not provably read-only, and the session effect of <c>set_config</c>.</summary>
    private static SqlStatement WithCalls(SqlText sql, int start, int end, SqlStatement statement)
    {
        List<string>? calls = null;
        var sets = SessionEffect.None;
        for (var k = start; k < end; k++)
        {
            if (sql.Dialect == SqlDialect.Sqlite && sql.IsWord(k, "REGEXP"))
            {
                // x REGEXP y calls the application-defined function regexp().
                (calls ??= []).Add("regexp");
                continue;
            }

            if (!sql.IsName(k) || !sql.IsKind(k + 1, SqlTokenKind.OpenParen))
            {
                continue;
            }

            if (sql.IsKind(k, SqlTokenKind.Word) && SqlKeywords.NotCalls.Contains(sql.Span(k).ToString()))
            {
                continue;
            }

            if (sql.IsWord(k, "VARYING") && sql.IsAnyWord(k - 1, ["CHARACTER", "CHAR", "BIT"]))
            {
                continue; // the type character varying(n), not a call
            }

            var qualified = k >= 2 && sql[k - 1].Kind == SqlTokenKind.Dot && sql.IsName(k - 2);
            var before = qualified ? k - 3 : k - 1;
            while (qualified && before >= 1 && sql[before].Kind == SqlTokenKind.Dot && sql.IsName(before - 1))
            {
                before -= 2;
            }

            if (before >= start && IsObjectNameContext(sql, before))
            {
                continue;
            }

            if (IsCteColumnList(sql, start, end, k))
            {
                continue;
            }

            var name = sql.FoldedName(k);
            if (name is null)
            {
                (calls ??= []).Add("\"?\"");
                continue;
            }

            if (SqlFunctions.ChangesSession(name))
            {
                sets |= SessionEffect.SearchPath | SessionEffect.Role | SessionEffect.Setting;
            }

            if (!SqlFunctions.IsStaticallyReadOnly(sql.Dialect, name, qualified))
            {
                (calls ??= []).Add(name);
            }
        }

        if (sql.Dialect == SqlDialect.PostgreSql)
        {
            PostgresOperatorCalls.Add(sql, start, end, ref calls);
        }

        return calls is null && sets == SessionEffect.None
            ? statement
            : statement with { Calls = calls is null ? statement.Calls : [.. statement.Calls, .. calls], Sets = statement.Sets | sets };
    }

    private static bool IsObjectNameContext(SqlText sql, int before) =>
        (sql.IsKind(before, SqlTokenKind.Operator) && sql.Span(before) is "::") || sql.IsAnyWord(before, ObjectNamePrefixes);

    /// <summary>Whether <c>name (</c> at <paramref name="k"/> is <c>WITH name (columns) AS (...)</c> in the statement's CTE list.</summary>
    private static bool IsCteColumnList(SqlText sql, int start, int end, int k)
    {
        if (!sql.IsWord(start, "WITH") || sql[k].Depth != sql[start].Depth)
        {
            return false;
        }

        var close = CloseOf(sql, k + 1, end);
        if (close < 0 || !sql.IsWord(close + 1, "AS")
            || !(sql.IsKind(close + 2, SqlTokenKind.OpenParen) || sql.IsAnyWord(close + 2, ["MATERIALIZED", "NOT"])))
        {
            return false;
        }

        for (var i = start + 1; i < k; i++)
        {
            if (sql[i].Depth == sql[start].Depth && sql.IsAnyWord(i, MainStatementWords))
            {
                return false;
            }
        }

        return true;
    }
}

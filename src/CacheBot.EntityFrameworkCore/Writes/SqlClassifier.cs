namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// A conservative SQL classifier: a command is a read only when every statement in it starts with <c>SELECT</c>,
/// <c>VALUES</c> or <c>WITH</c> and no statement holds a data-changing or schema-changing keyword outside string literals,
/// quoted identifiers and comments. Everything else is a write of the whole database. It also finds the target table of
/// EF's <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> statements.
/// </summary>
/// <remarks>
/// Sound, not precise: <c>SELECT ... FOR UPDATE</c> counts as a write; a <c>SELECT</c> that calls a function with side effects
/// counts as a read (as the brief for this classifier states; a SQL classifier shared with CacheBot.Linq2Db will replace it).
/// </remarks>
internal static class SqlClassifier
{
    private static readonly HashSet<string> WriteWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "TRUNCATE", "CREATE", "DROP", "ALTER", "RENAME", "CALL", "EXEC",
        "EXECUTE", "COPY", "GRANT", "REVOKE", "VACUUM", "REINDEX", "ATTACH", "DETACH", "PRAGMA", "LOCK", "SETVAL", "NEXTVAL", "DO", "BEGIN",
        "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "RESET", "REFRESH", "CLUSTER", "COMMENT", "NOTIFY", "LISTEN", "LOAD", "IMPORT",
    };

    /// <summary>Returns whether <paramref name="sql"/> is certainly a read.</summary>
    public static bool IsRead(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return true;
        }

        var first = true;
        foreach (var token in Tokenize(sql))
        {
            if (token == ";")
            {
                first = true;
                continue;
            }

            if (first)
            {
                if (!(token.Equals("SELECT", StringComparison.OrdinalIgnoreCase) || token.Equals("VALUES", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("WITH", StringComparison.OrdinalIgnoreCase) || token == "("))
                {
                    return false;
                }

                first = token == "(";
                continue;
            }

            if (WriteWords.Contains(token))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns whether the first statement of <paramref name="sql"/> is a <c>DELETE</c>.</summary>
    public static bool IsDelete(string sql)
    {
        foreach (var token in Tokenize(sql))
        {
            return token.Equals("DELETE", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    /// <summary>Finds the table an <c>UPDATE t ...</c> or <c>DELETE FROM t ...</c> statement writes.</summary>
    public static bool TryGetDmlTarget(string sql, out string? schema, out string name)
    {
        schema = null;
        name = string.Empty;
        var tokens = Tokenize(sql).GetEnumerator();
        if (!tokens.MoveNext())
        {
            return false;
        }

        if (tokens.Current.Equals("DELETE", StringComparison.OrdinalIgnoreCase))
        {
            if (!tokens.MoveNext() || !tokens.Current.Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        else if (!tokens.Current.Equals("UPDATE", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!tokens.MoveNext() || !IsIdentifier(tokens.Current))
        {
            return false;
        }

        var part = Unquote(tokens.Current);
        if (tokens.MoveNext() && tokens.Current == ".")
        {
            if (!tokens.MoveNext() || !IsIdentifier(tokens.Current))
            {
                return false;
            }

            schema = part;
            part = Unquote(tokens.Current);
        }

        name = part;
        return name.Length > 0;
    }

    private static bool IsIdentifier(string token) => token.Length > 0 && (token[0] == '"' || token[0] == '[' || token[0] == '`' || char.IsLetter(token[0]) || token[0] == '_');

    private static string Unquote(string token) =>
        token.Length >= 2 && (token[0] == '"' || token[0] == '[' || token[0] == '`') ? token[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : token;

    /// <summary>Words, quoted identifiers, <c>;</c>, <c>.</c> and <c>(</c>; skips string literals, comments and parameters.</summary>
    private static IEnumerable<string> Tokenize(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '\'')
            {
                i = SkipQuoted(sql, i, '\'');
            }
            else if (c == '$' && TryDollarQuote(sql, i, out var after))
            {
                i = after;
            }
            else if (c is '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                var start = i;
                i = SkipQuoted(sql, i, close);
                yield return sql[start..Math.Min(i, sql.Length)];
            }
            else if (c is '@' or ':' or '$' or '?')
            {
                i++;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_'))
                {
                    i++;
                }
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$'))
                {
                    i++;
                }

                yield return sql[start..i];
            }
            else
            {
                if (c is ';' or '.' or '(')
                {
                    yield return c.ToString();
                }

                i++;
            }
        }
    }

    private static int SkipQuoted(string sql, int start, char close)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == close)
            {
                if (i + 1 < sql.Length && sql[i + 1] == close && close != ']')
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return sql.Length;
    }

    private static bool TryDollarQuote(string sql, int start, out int after)
    {
        // PostgreSQL $tag$ ... $tag$ strings.
        var end = sql.IndexOf('$', start + 1);
        after = start;
        if (end < 0)
        {
            return false;
        }

        for (var k = start + 1; k < end; k++)
        {
            if (!char.IsLetterOrDigit(sql[k]) && sql[k] != '_')
            {
                return false;
            }
        }

        var tag = sql[start..(end + 1)];
        var close = sql.IndexOf(tag, end + 1, StringComparison.Ordinal);
        after = close < 0 ? sql.Length : close + tag.Length;
        return true;
    }
}

namespace CacheBot.Linq.Providers.Sql;

public static partial class SqlClassifier
{
    /// <summary>The index of the first word <paramref name="keyword"/> in [from, end) at <paramref name="depth"/>, or -1.</summary>
    private static int IndexOfWord(SqlText sql, int from, int end, string keyword, int depth)
    {
        for (var i = from; i < end; i++)
        {
            if (sql[i].Depth == depth && sql.IsWord(i, keyword))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the word <paramref name="keyword"/> occurs anywhere (any depth) in [from, end).</summary>
    private static bool Contains(SqlText sql, int from, int end, string keyword)
    {
        for (var i = from; i < end; i++)
        {
            if (sql.IsWord(i, keyword))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The index of the <c>)</c> that closes the <c>(</c> at <paramref name="open"/>, or -1.</summary>
    private static int CloseOf(SqlText sql, int open, int end)
    {
        var depth = sql[open].Depth;
        for (var i = open + 1; i < end; i++)
        {
            if (sql[i].Kind == SqlTokenKind.CloseParen && sql[i].Depth == depth)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads a possibly qualified table name (<c>name</c>, <c>schema.name</c>, <c>db.schema.name</c>) at
    /// <paramref name="i"/> and moves past it; null when the tokens there are not a name.
    /// </summary>
    private static SqlTableName? ReadTableName(SqlText sql, ref int i, int end)
    {
        string? previous = null;
        string? current = null;
        while (i < end && sql.IsName(i))
        {
            var part = sql.Name(i);
            if (part is null)
            {
                return null;
            }

            previous = current;
            current = part;
            i++;
            if (i < end && sql[i].Kind == SqlTokenKind.Dot)
            {
                i++;
                continue;
            }

            break;
        }

        return current is null || (i > 0 && sql[i - 1].Kind == SqlTokenKind.Dot) ? null : new SqlTableName(previous, current);
    }

    /// <summary>Skips <c>IF [NOT] EXISTS</c> at <paramref name="i"/>.</summary>
    private static void SkipIfExists(SqlText sql, ref int i)
    {
        if (sql.IsWord(i, "IF"))
        {
            i++;
            if (sql.IsWord(i, "NOT"))
            {
                i++;
            }

            if (sql.IsWord(i, "EXISTS"))
            {
                i++;
            }
        }
    }

    /// <summary>Reads a comma-separated list of table names (TRUNCATE a, b; DROP TABLE a, b); null when one is not a name.</summary>
    private static List<SqlTableName>? ReadTableList(SqlText sql, ref int i, int end)
    {
        var names = new List<SqlTableName>();
        while (true)
        {
            if (sql.IsWord(i, "ONLY"))
            {
                i++;
            }

            if (ReadTableName(sql, ref i, end) is not { } name)
            {
                return null;
            }

            names.Add(name);
            if (sql.IsKind(i, SqlTokenKind.Operator) && sql.Span(i) is "*")
            {
                i++;
            }

            if (!sql.IsKind(i, SqlTokenKind.Comma))
            {
                return names;
            }

            i++;
        }
    }

    /// <summary>The last token index of [from, end) before any of the given words at <paramref name="depth"/>.</summary>
    private static int LastBefore(SqlText sql, int from, int end, int depth, ReadOnlySpan<string> stops)
    {
        for (var i = from; i < end; i++)
        {
            if (sql[i].Depth == depth && sql.IsAnyWord(i, stops))
            {
                return i - 1;
            }
        }

        return end - 1;
    }
}

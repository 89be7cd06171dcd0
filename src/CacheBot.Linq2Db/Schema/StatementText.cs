namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// The two facts of a write's SQL text the schema closure needs beyond <c>SqlWriteParser</c>: the columns an
/// <c>UPDATE</c> assigns, and every table a <c>TRUNCATE</c> names (and whether it cascades).
/// </summary>
internal static class StatementText
{
    /// <summary>Returns the columns an <c>UPDATE</c> assigns (bare names); null when they cannot be read (then any column may change).</summary>
    public static HashSet<string>? AssignedColumns(string sql)
    {
        var tokens = SqlTokenizer.Tokenize(sql);
        var set = tokens.FindIndex(static t => t.Depth == 0 && t.Is("SET"));
        if (set < 0 || !tokens[0].Is("UPDATE"))
        {
            return null;
        }

        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var segmentStart = set + 1;
        for (var i = set + 1; i <= tokens.Count; i++)
        {
            var end = i == tokens.Count
                || (tokens[i].Depth == 0 && (tokens[i].Is("WHERE") || tokens[i].Is("FROM") || tokens[i].Is("RETURNING") || tokens[i].IsPunctuation(';')));
            if (!end && !(tokens[i].Depth == 0 && tokens[i].IsPunctuation(',')))
            {
                continue;
            }

            if (!TryReadTargets(tokens, segmentStart, i, columns))
            {
                return null;
            }

            if (end)
            {
                return columns;
            }

            segmentStart = i + 1;
        }

        return columns;
    }

    /// <summary><c>a = ...</c>, <c>t.a = ...</c> or <c>(a, b) = ...</c>.</summary>
    private static bool TryReadTargets(List<SqlToken> tokens, int start, int end, HashSet<string> columns)
    {
        if (start >= end)
        {
            return false;
        }

        if (tokens[start].IsPunctuation('('))
        {
            var i = start + 1;
            for (; i < end && !(tokens[i].Depth == 0 && tokens[i].IsPunctuation(')')); i++)
            {
                if (tokens[i].Kind == SqlTokenKind.Identifier && !(i + 1 < end && tokens[i + 1].IsPunctuation('.')))
                {
                    columns.Add(tokens[i].Text);
                }
            }

            return i < end;
        }

        var name = start;
        while (name + 2 < end && tokens[name].Kind == SqlTokenKind.Identifier && tokens[name + 1].IsPunctuation('.'))
        {
            name += 2;
        }

        if (tokens[name].Kind != SqlTokenKind.Identifier || name + 1 >= end || !tokens[name + 1].IsPunctuation('='))
        {
            return false;
        }

        columns.Add(tokens[name].Text);
        return true;
    }

    /// <summary>Reads <c>TRUNCATE [TABLE] [ONLY] a [*], b ... [CASCADE]</c>; null when the text is not a TRUNCATE.</summary>
    public static (List<RelationRef> Tables, bool Cascade)? Truncate(string sql)
    {
        var tokens = SqlTokenizer.Tokenize(sql);
        if (tokens.Count == 0 || !tokens[0].Is("TRUNCATE"))
        {
            return null;
        }

        var tables = new List<RelationRef>();
        var cascade = false;
        var i = 1;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (token.Is("TABLE") || token.Is("ONLY") || token.IsPunctuation(',') || token.IsPunctuation('*'))
            {
                i++;
                continue;
            }

            if (token.Is("CASCADE"))
            {
                cascade = true;
                i++;
                continue;
            }

            if (token.Is("RESTRICT") || token.Is("RESTART") || token.Is("CONTINUE") || token.Is("IDENTITY") || token.IsPunctuation(';'))
            {
                i++;
                continue;
            }

            if (token.Kind != SqlTokenKind.Identifier)
            {
                return null;
            }

            if (i + 2 < tokens.Count && tokens[i + 1].IsPunctuation('.'))
            {
                tables.Add(new RelationRef(token.Text, tokens[i + 2].Text));
                i += 3;
            }
            else
            {
                tables.Add(new RelationRef(null, token.Text));
                i++;
            }
        }

        return (tables, cascade);
    }
}

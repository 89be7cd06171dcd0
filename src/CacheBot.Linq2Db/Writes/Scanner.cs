namespace CacheBot.Linq2Db.Writes;

/// <summary>A small SQL lexer: top-level words (depth 0, outside literals and comments) and qualified names.</summary>
internal static class Scanner
{
    internal readonly record struct Word(string Text, int Start, int End)
    {
        public bool Is(string keyword) => string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
    }

    public static List<Word> TopLevelWords(string sql) => Words(sql, topLevelOnly: true);

    /// <summary>Every word outside literals and comments, at any parenthesis depth.</summary>
    public static List<Word> AllWords(string sql) => Words(sql, topLevelOnly: false);

    private static List<Word> Words(string sql, bool topLevelOnly)
    {
        var words = new List<Word>();
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (TrySkipQuotedOrComment(sql, ref i))
            {
                continue;
            }

            if (c == '(')
            {
                depth++;
                i++;
            }
            else if (c == ')')
            {
                depth--;
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$'))
                {
                    i++;
                }

                if ((depth == 0 || !topLevelOnly) && (start == 0 || (sql[start - 1] != '.' && sql[start - 1] != '@' && sql[start - 1] != ':')))
                {
                    words.Add(new Word(sql[start..i], start, i));
                }
            }
            else
            {
                i++;
            }
        }

        return words;
    }

    /// <summary>Returns whether a <c>;</c> at depth 0 is followed by more SQL.</summary>
    public static bool HasSecondStatement(string sql)
    {
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            if (TrySkipQuotedOrComment(sql, ref i))
            {
                continue;
            }

            var c = sql[i++];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ';' && depth == 0)
            {
                for (var j = i; j < sql.Length; j++)
                {
                    if (TrySkipQuotedOrComment(sql, ref j))
                    {
                        j--;
                        continue;
                    }

                    if (!char.IsWhiteSpace(sql[j]) && sql[j] != ';')
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return false;
    }

    public static int IndexOfWord(List<Word> words, string keyword, int after = -1)
    {
        for (var i = after + 1; i < words.Count; i++)
        {
            if (words[i].Is(keyword))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool ContainsWord(List<Word> words, params string[] keywords)
    {
        foreach (var word in words)
        {
            foreach (var keyword in keywords)
            {
                if (word.Is(keyword))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Reads a possibly qualified, possibly quoted name starting at <paramref name="position"/>.</summary>
    public static (string? Schema, string? Name, int End) ReadName(string sql, int position)
    {
        var parts = new List<string>();
        var i = position;
        while (true)
        {
            while (i < sql.Length && char.IsWhiteSpace(sql[i]))
            {
                i++;
            }

            if (i >= sql.Length)
            {
                break;
            }

            var c = sql[i];
            string? part = null;
            if (c is '"' or '[' or '`')
            {
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                if (end < 0)
                {
                    return (null, null, i);
                }

                part = sql[(i + 1)..end];
                i = end + 1;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$'))
                {
                    i++;
                }

                part = sql[start..i];
            }

            if (part is null)
            {
                break;
            }

            parts.Add(part);
            if (i < sql.Length && sql[i] == '.')
            {
                i++;
                continue;
            }

            break;
        }

        return parts.Count switch
        {
            0 => (null, null, i),
            1 => (null, parts[0], i),
            _ => (parts[^2], parts[^1], i),
        };
    }

    private static bool TrySkipQuotedOrComment(string sql, ref int i)
    {
        var c = sql[i];
        if (c == '\'')
        {
            i++;
            while (i < sql.Length)
            {
                if (sql[i] == '\'' && (i + 1 >= sql.Length || sql[i + 1] != '\''))
                {
                    i++;
                    return true;
                }

                i += sql[i] == '\'' ? 2 : 1;
            }

            return true;
        }

        if (c is '"' or '[' or '`')
        {
            var close = c == '[' ? ']' : c;
            var end = sql.IndexOf(close, i + 1);
            i = end < 0 ? sql.Length : end + 1;
            return true;
        }

        if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
        {
            var end = sql.IndexOf('\n', i);
            i = end < 0 ? sql.Length : end + 1;
            return true;
        }

        if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
        {
            var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
            i = end < 0 ? sql.Length : end + 2;
            return true;
        }

        return false;
    }
}

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// Splits catalog SQL (SQLite <c>CREATE</c> statements, PostgreSQL default expressions) into tokens: identifiers (bare
/// or quoted with <c>"</c>, <c>[ ]</c> or <c>`</c>, unquoted in <see cref="SqlToken.Text"/>), string literals (content
/// unescaped), numbers and single punctuation characters, each with its parenthesis depth. Comments are skipped.
/// </summary>
internal static class SqlTokenizer
{
    public static List<SqlToken> Tokenize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = new List<SqlToken>();
        var depth = 0;
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
            else if (c is '\'' or '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                var text = new System.Text.StringBuilder();
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == close)
                    {
                        if (close != ']' && i + 1 < sql.Length && sql[i + 1] == close)
                        {
                            text.Append(close);
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(sql[i++]);
                }

                tokens.Add(new SqlToken(c == '\'' ? SqlTokenKind.String : SqlTokenKind.Identifier, text.ToString(), depth, Quoted: true));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Identifier, sql[start..i], depth, Quoted: false));
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < sql.Length && char.IsDigit(sql[i + 1])))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '.' ||
                    ((sql[i] is '+' or '-') && (sql[i - 1] is 'e' or 'E'))))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, sql[start..i], depth, Quoted: false));
            }
            else
            {
                if (c == ')')
                {
                    depth--;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Punctuation, c.ToString(), depth, Quoted: false));
                if (c == '(')
                {
                    depth++;
                }

                i++;
            }
        }

        return tokens;
    }
}

using System.Collections.Frozen;
using System.Globalization;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Reads the facts SQLite keeps only as SQL text in <c>sqlite_master</c>: column collations of <c>CREATE TABLE</c>, the
/// event and the write targets of <c>CREATE TRIGGER</c>, the relations a <c>CREATE VIEW</c> reads.
/// </summary>
/// <remarks>
/// Soundness: every answer errs towards invalidating more. A trigger body whose statements are not plain
/// <c>INSERT</c>/<c>UPDATE</c>/<c>DELETE</c>/<c>SELECT</c> has unknown targets (the whole database); a view depends on
/// every token that names a table or view (a column spelled like a table only adds a dependency); a view that calls a
/// function not known to be deterministic, or reads the clock, is opaque (its queries are not cached).
/// </remarks>
public static class SqliteCatalogSql
{
    private static readonly FrozenSet<string> DeterministicFunctions = new[]
    {
        "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr", "length", "like", "likelihood",
        "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "quote", "replace", "round", "rtrim", "sign", "soundex",
        "substr", "substring", "trim", "typeof", "unhex", "unicode", "unlikely", "upper", "zeroblob", "avg", "count", "group_concat",
        "string_agg", "sum", "total", "date", "time", "datetime", "julianday", "strftime", "unixepoch", "timediff", "json", "json_array",
        "json_extract", "json_object", "json_type", "json_valid", "json_group_array", "json_group_object", "json_array_length", "json_quote",
        "json_patch", "json_remove", "json_replace", "json_set", "json_insert", "row_number", "rank", "dense_rank", "percent_rank",
        "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value", "ceil", "ceiling", "floor", "exp", "ln", "log",
        "log10", "log2", "mod", "pi", "pow", "power", "sqrt", "sin", "cos", "tan", "trunc", "acos", "asin", "atan", "atan2", "degrees", "radians",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Keywords = new[]
    {
        "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COLLATE", "CROSS", "DESC", "DISTINCT", "ELSE", "END", "ESCAPE", "EXCEPT",
        "EXISTS", "FILTER", "FROM", "FULL", "GLOB", "GROUP", "HAVING", "IN", "INDEXED", "INNER", "INTERSECT", "IS", "ISNULL", "JOIN", "LEFT",
        "LIKE", "LIMIT", "MATCH", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "RAISE",
        "RECURSIVE", "REGEXP", "RIGHT", "ROWS", "RANGE", "GROUPS", "SELECT", "THEN", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> ClockKeywords = new[] { "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Returns each column's declared collation (null when none) from a <c>CREATE TABLE</c> statement; null when the
    /// statement has no column list (<c>CREATE TABLE ... AS SELECT</c>) or is a virtual table.
    /// </summary>
    public static Dictionary<string, string?>? ColumnCollations(string createTable)
    {
        var tokens = CatalogToken.Tokenize(createTable);
        var open = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Is("VIRTUAL") || (tokens[i].Is("AS") && tokens[i].Depth == 0))
            {
                return null;
            }

            if (tokens[i].IsPunctuation('(') && tokens[i].Depth == 0)
            {
                open = i;
                break;
            }
        }

        if (open < 0)
        {
            return null;
        }

        var collations = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var start = open + 1;
        for (var i = start; i <= tokens.Count; i++)
        {
            var end = i == tokens.Count || (tokens[i].Depth == 1 && tokens[i].IsPunctuation(',')) || (tokens[i].Depth == 0 && tokens[i].IsPunctuation(')'));
            if (!end)
            {
                continue;
            }

            if (i > start)
            {
                ReadColumnDefinition(tokens, start, i, collations);
            }

            if (i < tokens.Count && tokens[i].Depth == 0)
            {
                break;
            }

            start = i + 1;
        }

        return collations;
    }

    private static void ReadColumnDefinition(List<CatalogToken> tokens, int start, int end, Dictionary<string, string?> collations)
    {
        var first = tokens[start];
        if (first.Kind is not (CatalogTokenKind.Identifier or CatalogTokenKind.String)
            || first.Is("CONSTRAINT") || first.Is("PRIMARY") || first.Is("UNIQUE") || first.Is("CHECK") || first.Is("FOREIGN"))
        {
            return;
        }

        string? collation = null;
        for (var i = start + 1; i + 1 < end; i++)
        {
            if (tokens[i].Depth == 1 && tokens[i].Is("COLLATE") && tokens[i + 1].Kind is CatalogTokenKind.Identifier or CatalogTokenKind.String)
            {
                collation = tokens[i + 1].Text;
            }
        }

        collations[first.Text] = collation;
    }

    /// <summary>
    /// Whether a <c>CREATE TABLE</c> statement declares a constraint <c>ON CONFLICT REPLACE</c> (or cannot be read): a
    /// plain INSERT or UPDATE of the table then silently deletes the rows it conflicts with.
    /// </summary>
    public static bool DeclaresReplace(string createTable)
    {
        var sql = SqlTokenizer.Tokenize(createTable, SqlDialect.Sqlite);
        for (var i = 0; i + 1 < sql.Count; i++)
        {
            if (sql.IsWord(i, "CONFLICT") && sql.IsWord(i + 1, "REPLACE"))
            {
                return true;
            }
        }

        return sql.Ambiguous;
    }

    /// <summary>How <c>=</c> compares text on a SQLite column with this declared type and collation.</summary>
    public static StringMatching MatchingFor(string declaredType, string? collation)
    {
        var type = declaredType.ToUpperInvariant();
        var textOrNone = !type.Contains("INT", StringComparison.Ordinal)
            && (type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal)
                || type.Contains("BLOB", StringComparison.Ordinal) || type.Length == 0);
        if (!textOrNone)
        {
            // Numeric affinity converts text that looks like a number before comparing ('05' = 5): text keys would not match.
            return StringMatching.Excluded;
        }

        return collation?.ToUpperInvariant() switch
        {
            null or "BINARY" => StringMatching.Ordinal,
            "NOCASE" => StringMatching.AsciiIgnoreCase,
            "RTRIM" => StringMatching.TrailingSpaces,
            _ => StringMatching.Excluded,
        };
    }

    /// <summary>Reads a <c>CREATE TRIGGER</c> statement: the writes it fires on and the relations its body writes (null targets: unknown).</summary>
    public static TriggerFacts ParseTrigger(string createTrigger)
    {
        var tokens = CatalogToken.Tokenize(createTrigger);
        var on = -1;
        var events = WriteEvents.None;
        for (var i = 0; i < tokens.Count && on < 0; i++)
        {
            var token = tokens[i];
            if (token.Depth != 0)
            {
                continue;
            }

            if (token.Is("ON"))
            {
                on = i;
            }
            else if (token.Is("DELETE"))
            {
                events |= WriteEvents.Delete;
            }
            else if (token.Is("INSERT"))
            {
                events |= WriteEvents.Insert;
            }
            else if (token.Is("UPDATE"))
            {
                events |= WriteEvents.Update;
            }
        }

        if (events == WriteEvents.None)
        {
            events = WriteEvents.All;
        }

        var begin = -1;
        for (var i = Math.Max(on, 0); i < tokens.Count; i++)
        {
            if (tokens[i].Depth == 0 && tokens[i].Is("BEGIN"))
            {
                begin = i;
                break;
            }
        }

        if (on < 0 || begin < 0)
        {
            return new TriggerFacts(events, null);
        }

        var targets = new List<RelationRef>();
        var statementStart = begin + 1;
        for (var i = statementStart; i < tokens.Count; i++)
        {
            if (tokens[i].Depth != 0 || !tokens[i].IsPunctuation(';'))
            {
                continue;
            }

            if (!TryReadTarget(tokens, statementStart, i, targets))
            {
                return new TriggerFacts(events, null);
            }

            statementStart = i + 1;
        }

        // What follows the last ';' must be END alone.
        return statementStart < tokens.Count && tokens[statementStart].Is("END") ? new TriggerFacts(events, targets) : new TriggerFacts(events, null);
    }

    private static bool TryReadTarget(List<CatalogToken> tokens, int start, int end, List<RelationRef> targets)
    {
        if (start >= end)
        {
            return true;
        }

        var i = start;
        var first = tokens[i];
        if (first.Is("SELECT") || first.Is("VALUES"))
        {
            return true;
        }

        if (first.Is("UPDATE"))
        {
            i++;
            if (i + 1 < end && tokens[i].Is("OR"))
            {
                i += 2;
            }
        }
        else if (first.Is("INSERT") || first.Is("REPLACE"))
        {
            while (i < end && !tokens[i].Is("INTO"))
            {
                i++;
            }

            i++;
        }
        else if (first.Is("DELETE"))
        {
            i++;
            if (i < end && !tokens[i].Is("FROM"))
            {
                return false;
            }

            i++;
        }
        else
        {
            return false;
        }

        if (i >= end || tokens[i].Kind is not (CatalogTokenKind.Identifier or CatalogTokenKind.String))
        {
            return false;
        }

        if (i + 2 < end && tokens[i + 1].IsPunctuation('.'))
        {
            targets.Add(new RelationRef(tokens[i].Text, tokens[i + 2].Text));
        }
        else
        {
            targets.Add(new RelationRef(null, tokens[i].Text));
        }

        return true;
    }

    /// <summary>
    /// Returns the relations a <c>CREATE VIEW</c> statement reads (every identifier that <paramref name="isRelation"/>
    /// knows), and whether the view is opaque (a function not known to be deterministic, or the clock).
    /// </summary>
    public static (List<string> Names, bool Opaque) ViewReferences(string createView, Func<string, bool> isRelation)
    {
        ArgumentNullException.ThrowIfNull(isRelation);
        var tokens = CatalogToken.Tokenize(createView);
        var start = 0;
        while (start < tokens.Count && !(tokens[start].Depth == 0 && tokens[start].Is("AS")))
        {
            start++;
        }

        var names = new List<string>();
        var opaque = start >= tokens.Count;
        for (var i = start + 1; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == CatalogTokenKind.String)
            {
                opaque |= token.Text.Trim().Equals("now", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (token.Kind != CatalogTokenKind.Identifier)
            {
                continue;
            }

            var isCall = !token.Quoted && i + 1 < tokens.Count && tokens[i + 1].IsPunctuation('(');
            if (isCall)
            {
                opaque |= !Keywords.Contains(token.Text) && !DeterministicFunctions.Contains(token.Text);
                continue;
            }

            if (!token.Quoted && ClockKeywords.Contains(token.Text))
            {
                opaque = true;
            }
            else if (isRelation(token.Text) && !names.Contains(token.Text, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(token.Text);
            }
        }

        return (names, opaque);
    }

    /// <summary>
    /// Reads a column default that is a constant: <c>NULL</c>, an integer, or a string literal (with a PostgreSQL cast to
    /// a text type). False for anything else (an expression, a function, a cast to another type).
    /// </summary>
    public static bool TryParseConstant(string? expression, out object? value, SqlDialect dialect = SqlDialect.Sqlite)
    {
        value = null;
        if (expression is null)
        {
            return true; // no default: null
        }

        var tokens = CatalogToken.Tokenize(expression, dialect);
        var i = 0;
        var end = tokens.Count;
        while (i < end - 1 && tokens[i].IsPunctuation('(') && tokens[end - 1].IsPunctuation(')'))
        {
            i++;
            end--;
        }

        // A trailing PostgreSQL cast to a text type keeps the literal's value.
        if (end - i >= 3 && tokens[i].Kind == CatalogTokenKind.String && tokens[i + 1] is { Kind: CatalogTokenKind.Punctuation, Text: "::" })
        {
            var type = string.Join(" ", tokens.GetRange(i + 2, end - i - 2).ConvertAll(static t => t.Text)).ToUpperInvariant();
            if (type is not ("TEXT" or "CHARACTER VARYING" or "VARCHAR" or "BPCHAR" or "CHARACTER" or "NAME"))
            {
                return false;
            }

            end = i + 1;
        }

        var negative = false;
        if (end - i == 2 && tokens[i].Kind == CatalogTokenKind.Punctuation && tokens[i].Text is "-" or "+")
        {
            negative = tokens[i].Text == "-";
            i++;
        }

        if (end - i != 1)
        {
            return false;
        }

        var token = tokens[i];
        switch (token.Kind)
        {
            case CatalogTokenKind.Identifier when token.Is("NULL"):
                return true;
            case CatalogTokenKind.String when !negative:
                value = token.Text;
                return true;
            case CatalogTokenKind.Number when long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number):
                value = negative ? -number : number;
                return true;
            default:
                return false;
        }
    }
}

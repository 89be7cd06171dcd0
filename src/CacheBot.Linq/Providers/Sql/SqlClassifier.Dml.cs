namespace CacheBot.Linq.Providers.Sql;

public static partial class SqlClassifier
{
    private static readonly string[] MainStatementWords = ["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE"];

    /// <summary>
    /// <c>WITH ctes main</c>: a data-modifying CTE (at any depth) writes its target table; the main statement is classified
    /// with the WITH clause kept for its pre-image when every CTE is read-only.
    /// </summary>
    private static SqlStatement ClassifyWith(SqlText sql, int start, int end)
    {
        var depth = sql[start].Depth;
        var main = -1;
        for (var i = start + 1; i < end; i++)
        {
            if (sql[i].Depth == depth && sql.IsAnyWord(i, MainStatementWords))
            {
                main = i;
                break;
            }
        }

        var cteEnd = main < 0 ? end : main;
        var targets = new List<SqlTableName>();
        if (!CollectNestedWriteTargets(sql, start + 1, cteEnd, targets))
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        var withClause = sql.Slice(start, cteEnd - 1);
        SqlStatement statement;
        if (main < 0 || sql.IsAnyWord(main, ["SELECT", "VALUES", "TABLE"]))
        {
            statement = main < 0 ? SqlStatement.ReadOnly : ClassifyQuery(sql, main, end);
        }
        else if (sql.IsWord(main, "INSERT"))
        {
            statement = ClassifyInsert(sql, main, end, withClause);
        }
        else if (sql.IsWord(main, "UPDATE"))
        {
            statement = ClassifyUpdate(sql, main, end, withClause);
        }
        else if (sql.IsWord(main, "DELETE"))
        {
            statement = ClassifyDelete(sql, main, end, withClause);
        }
        else
        {
            statement = ClassifyMerge(sql, main, end);
        }

        if (targets.Count > 0 && statement.Kind != SqlStatementKind.DatabaseWrite)
        {
            // Several tables written by one statement: no row images, a write of each table.
            statement = statement with { Kind = SqlStatementKind.TableWrite, Tables = [.. targets, .. statement.Tables], Upsert = null };
        }

        return WithCalls(sql, start, cteEnd, statement);
    }

    /// <summary>
    /// Finds DML nested in parentheses in [from, end) (data-modifying CTEs, <c>COPY (DELETE ... RETURNING *)</c>) and adds
    /// their targets; false when one cannot be read, or an INSERT/UPDATE/DELETE/MERGE word appears in an unknown role.
    /// </summary>
    private static bool CollectNestedWriteTargets(SqlText sql, int from, int end, List<SqlTableName> targets)
    {
        for (var i = from; i < end; i++)
        {
            if (!sql.IsAnyWord(i, ["INSERT", "UPDATE", "DELETE", "MERGE"]))
            {
                continue;
            }

            if ((sql.IsWord(i, "UPDATE") && sql.IsAnyWord(i - 1, ["FOR", "KEY", "DO"])) || sql.IsWord(i - 1, "THEN"))
            {
                // SELECT ... FOR [NO KEY] UPDATE, ON CONFLICT ... DO UPDATE, MERGE ... THEN UPDATE / INSERT / DELETE (its target is read).
                continue;
            }

            if (!sql.IsKind(i - 1, SqlTokenKind.OpenParen))
            {
                return false;
            }

            var j = i + 1;
            if (sql.IsWord(j, "OR"))
            {
                j += 2;
            }

            if (sql.IsAnyWord(j, ["INTO", "FROM"]))
            {
                j++;
            }

            if (sql.IsWord(j, "ONLY"))
            {
                j++;
            }

            if (ReadTableName(sql, ref j, end) is not { } name)
            {
                return false;
            }

            targets.Add(name);
        }

        return true;
    }

    private static SqlStatement ClassifyInsert(SqlText sql, int start, int end, string? withClause)
    {
        var depth = sql[start].Depth;
        var i = start + 1;
        var replace = sql.IsWord(start, "REPLACE");
        if (sql.IsWord(i, "OR"))
        {
            replace |= sql.IsWord(i + 1, "REPLACE");
            i += 2;
        }

        if (!sql.IsWord(i, "INTO"))
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        i++;
        var nameStart = i;
        if (ReadTableName(sql, ref i, end) is not { } name)
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        var targetSql = sql.Slice(nameStart, i - 1);
        if (sql.IsWord(i, "AS") && sql.IsName(i + 1))
        {
            i += 2;
        }

        List<string>? columns = null;
        if (sql.IsKind(i, SqlTokenKind.OpenParen) && !sql.IsAnyWord(i + 1, ["SELECT", "WITH", "VALUES"]))
        {
            columns = ReadColumnList(sql, i, end, out var close);
            if (close < 0)
            {
                return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
            }

            i = close + 1;
        }

        if (!(sql.IsAnyWord(i, ["VALUES", "SELECT", "DEFAULT", "WITH", "TABLE", "OVERRIDING", "OUTPUT"]) || sql.IsKind(i, SqlTokenKind.OpenParen)))
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        var statement = new SqlStatement(SqlStatementKind.Insert)
        {
            Tables = [name],
            WithClause = withClause,
            HasReturning = IndexOfWord(sql, i, end, "RETURNING", depth) >= 0 || IndexOfWord(sql, start, end, "OUTPUT", depth) >= 0,
        };

        if (replace)
        {
            // REPLACE deletes the rows that conflict on any unique constraint: which ones is not in the text.
            statement = statement with { Kind = SqlStatementKind.TableWrite };
        }
        else if (IndexOfConflict(sql, i, end, depth) is var conflict and >= 0)
        {
            statement = ClassifyConflict(sql, conflict, end, columns, i, statement, targetSql);
        }

        return WithCalls(sql, start, end, statement);
    }

    private static int IndexOfConflict(SqlText sql, int from, int end, int depth)
    {
        for (var i = from; i < end - 1; i++)
        {
            if (sql[i].Depth == depth && sql.IsWord(i, "ON") && sql.IsWord(i + 1, "CONFLICT"))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// <c>ON CONFLICT</c>: DO NOTHING changes no existing row (an insert); DO UPDATE with a named key of plain columns and
    /// VALUES of parameters or literals is an upsert whose conflicting rows can be read first; anything else a table write.
    /// </summary>
    private static SqlStatement ClassifyConflict(
        SqlText sql, int conflict, int end, List<string>? columns, int source, SqlStatement insert, string targetSql)
    {
        var depth = sql[conflict].Depth;
        List<int>? keyTokens = null;
        var updates = 0;
        var tableWrite = insert with { Kind = SqlStatementKind.TableWrite };
        for (var at = conflict; at >= 0; at = IndexOfConflict(sql, at + 2, end, depth))
        {
            var j = at + 2;
            List<int>? target = null;
            if (sql.IsKind(j, SqlTokenKind.OpenParen))
            {
                var close = CloseOf(sql, j, end);
                target = ReadSimpleNameTokens(sql, j, close);
                j = close + 1;
            }

            var doIndex = IndexOfWord(sql, j, end, "DO", depth);
            if (doIndex < 0)
            {
                return tableWrite;
            }

            if (sql.IsWord(doIndex + 1, "NOTHING"))
            {
                continue;
            }

            updates++;
            if (target is null || (doIndex != j && !sql.IsWord(j, "WHERE")) || AssignsAny(sql, doIndex + 2, end, depth, target))
            {
                return tableWrite;
            }

            keyTokens = target;
        }

        if (updates == 0)
        {
            return insert;
        }

        if (updates > 1 || keyTokens is null || columns is null || !sql.IsWord(source, "VALUES"))
        {
            return tableWrite;
        }

        var positions = new int[keyTokens.Count];
        for (var k = 0; k < keyTokens.Count; k++)
        {
            positions[k] = IndexOfColumn(columns, sql, keyTokens[k]);
            if (positions[k] < 0)
            {
                return tableWrite;
            }
        }

        var rows = ReadValueRows(sql, source + 1, end, columns.Count, positions);
        if (rows is null)
        {
            return tableWrite;
        }

        var keyColumns = new string[keyTokens.Count];
        var keyNames = new string[keyTokens.Count];
        for (var k = 0; k < keyColumns.Length; k++)
        {
            keyColumns[k] = sql.Span(keyTokens[k]).ToString();
            keyNames[k] = sql.Name(keyTokens[k])!;
        }

        return insert with { Kind = SqlStatementKind.Upsert, Upsert = new UpsertShape(targetSql, keyColumns, keyNames, rows) };
    }

    /// <summary>
    /// Whether the DO UPDATE SET clause from <paramref name="from"/> mentions a key column unqualified (assigning it, or
    /// reading it): then a returned row's key no longer identifies the row it replaced.
    /// </summary>
    private static bool AssignsAny(SqlText sql, int from, int end, int depth, List<int> keys)
    {
        for (var i = from; i < end; i++)
        {
            if (sql[i].Depth == depth && (sql.IsAnyWord(i, ["WHERE", "RETURNING"]) || (sql.IsWord(i, "ON") && sql.IsWord(i + 1, "CONFLICT"))))
            {
                return false;
            }

            if (!sql.IsName(i) || sql.IsKind(i - 1, SqlTokenKind.Dot))
            {
                continue;
            }

            foreach (var key in keys)
            {
                if (string.Equals(sql.Name(i), sql.Name(key), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The names of <c>(a, b, "c")</c> at <paramref name="open"/>; null when an element is not a single name.</summary>
    private static List<string>? ReadColumnList(SqlText sql, int open, int end, out int close)
    {
        close = CloseOf(sql, open, end);
        if (close < 0 || ReadSimpleNameTokens(sql, open, close) is not { } tokens)
        {
            return null;
        }

        var names = new List<string>(tokens.Count);
        foreach (var token in tokens)
        {
            names.Add(sql.FoldedName(token) ?? "\0");
        }

        return names;
    }

    private static List<int>? ReadSimpleNameTokens(SqlText sql, int open, int close)
    {
        if (close < 0)
        {
            return null;
        }

        var tokens = new List<int>();
        for (var i = open + 1; i < close; i += 2)
        {
            if (!sql.IsName(i) || !(i + 1 == close || sql.IsKind(i + 1, SqlTokenKind.Comma)))
            {
                return null;
            }

            tokens.Add(i);
        }

        return tokens.Count == 0 ? null : tokens;
    }

    private static int IndexOfColumn(List<string> columns, SqlText sql, int token)
    {
        var name = sql.FoldedName(token);
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, sql.Dialect == SqlDialect.PostgreSql ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads <c>(v, ...), (v, ...)</c> from <paramref name="i"/> and returns, per row, the text of the values at
    /// <paramref name="positions"/>; null unless every row has <paramref name="width"/> values and each selected one is a
    /// parameter or a literal.
    /// </summary>
    private static List<IReadOnlyList<string>>? ReadValueRows(SqlText sql, int i, int end, int width, int[] positions)
    {
        var rows = new List<IReadOnlyList<string>>();
        while (sql.IsKind(i, SqlTokenKind.OpenParen))
        {
            var close = CloseOf(sql, i, end);
            if (close < 0)
            {
                return null;
            }

            var values = new List<(int From, int To)>();
            var from = i + 1;
            for (var j = i + 1; j <= close; j++)
            {
                if (j == close || (sql.IsKind(j, SqlTokenKind.Comma) && sql[j].Depth == sql[i].Depth + 1))
                {
                    values.Add((from, j - 1));
                    from = j + 1;
                }
            }

            if (values.Count != width)
            {
                return null;
            }

            var keys = new string[positions.Length];
            for (var k = 0; k < positions.Length; k++)
            {
                var (a, b) = values[positions[k]];
                var simple = (a == b && sql[a].Kind is SqlTokenKind.Parameter or SqlTokenKind.Number or SqlTokenKind.StringLiteral)
                    || (b == a + 1 && sql.IsKind(a, SqlTokenKind.Operator) && sql.Span(a) is "-" && sql[b].Kind == SqlTokenKind.Number);
                if (!simple)
                {
                    return null;
                }

                keys[k] = sql.Slice(a, b);
            }

            rows.Add(keys);
            i = close + 1;
            if (!sql.IsKind(i, SqlTokenKind.Comma))
            {
                break;
            }

            i++;
        }

        return rows.Count == 0 || !sql.IsWord(i, "ON") ? null : rows;
    }

    private static SqlStatement ClassifyUpdate(SqlText sql, int start, int end, string? withClause)
    {
        var depth = sql[start].Depth;
        var i = start + 1;
        var replace = false;
        if (sql.IsWord(i, "OR"))
        {
            // SQLite conflict clauses: OR REPLACE may delete rows that neither image reports.
            replace = sql.IsWord(i + 1, "REPLACE");
            i += 2;
        }

        var clauseStart = i;
        if (sql.IsWord(i, "ONLY"))
        {
            i++;
        }

        if (ReadTableName(sql, ref i, end) is not { } name)
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        var qualifier = sql.Slice(i - 1, i - 1);
        if (sql.IsKind(i, SqlTokenKind.Operator) && sql.Span(i) is "*")
        {
            i++;
        }

        if (sql.IsWord(i, "AS"))
        {
            i++;
        }

        if (sql.IsName(i) && !sql.IsWord(i, "SET"))
        {
            qualifier = sql.Slice(i, i);
            i++;
        }

        if (!sql.IsWord(i, "SET") || sql[i].Depth != depth)
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        if (replace)
        {
            return WithCalls(sql, start, end, new SqlStatement(SqlStatementKind.TableWrite) { Tables = [name] });
        }

        var where = IndexOfWord(sql, i, end, "WHERE", depth);
        var cursor = where >= 0 && sql.IsWord(where + 1, "CURRENT") && sql.IsWord(where + 2, "OF");
        var from = IndexOfWord(sql, i, end, "FROM", depth);
        var statement = new SqlStatement(SqlStatementKind.Update)
        {
            Tables = [name],
            TableClause = sql.Slice(clauseStart, i - 1),
            Where = where < 0 ? null : sql.Slice(where + 1, LastBefore(sql, where + 1, end, depth, ["RETURNING", "ORDER", "LIMIT", "OUTPUT"])),
            WithClause = withClause,
            HasFrom = cursor || from >= 0,
            FromClause = from < 0 || cursor || (where >= 0 && where < from) ? null
                : sql.Slice(from + 1, where >= 0 ? where - 1 : LastBefore(sql, from + 1, end, depth, ["RETURNING", "ORDER", "LIMIT", "OUTPUT"])),
            TargetQualifier = qualifier,
            HasReturning = IndexOfWord(sql, i, end, "RETURNING", depth) >= 0 || IndexOfWord(sql, i, end, "OUTPUT", depth) >= 0,
            AssignedColumns = ReadAssignedColumns(sql, i + 1, end, depth),
        };
        return WithCalls(sql, start, end, statement);
    }

    /// <summary>
    /// The columns of an UPDATE's SET list (<c>a = ...</c>, <c>t.a = ...</c>, <c>(a, b) = ...</c>) from <paramref name="from"/>
    /// to the first WHERE, FROM, RETURNING, ORDER, LIMIT or OUTPUT at the statement's depth; null when a target cannot be read.
    /// </summary>
    private static List<string>? ReadAssignedColumns(SqlText sql, int from, int end, int depth)
    {
        var columns = new List<string>();
        var segment = from;
        for (var i = from; i <= end; i++)
        {
            var last = i == end || (sql[i].Depth == depth && sql.IsAnyWord(i, ["WHERE", "FROM", "RETURNING", "ORDER", "LIMIT", "OUTPUT"]));
            if (!last && !(sql[i].Depth == depth && sql.IsKind(i, SqlTokenKind.Comma)))
            {
                continue;
            }

            if (!ReadAssignmentTargets(sql, segment, i, depth, columns))
            {
                return null;
            }

            if (last)
            {
                return columns;
            }

            segment = i + 1;
        }

        return null;
    }

    private static bool ReadAssignmentTargets(SqlText sql, int start, int end, int depth, List<string> columns)
    {
        var i = start;
        if (sql.IsKind(i, SqlTokenKind.OpenParen))
        {
            // (a, b) = (...): every name up to the matching parenthesis.
            for (i++; i < end && !(sql.IsKind(i, SqlTokenKind.CloseParen) && sql[i].Depth == depth); i++)
            {
                if (sql.IsKind(i, SqlTokenKind.Comma))
                {
                    continue;
                }

                if (ReadColumnName(sql, ref i, end) is not { } name)
                {
                    return false;
                }

                columns.Add(name);
                i--;
            }

            return i < end && sql.IsKind(i + 1, SqlTokenKind.Operator) && sql.Span(i + 1) is "=";
        }

        if (ReadColumnName(sql, ref i, end) is not { } single)
        {
            return false;
        }

        columns.Add(single);
        return i < end && sql.IsKind(i, SqlTokenKind.Operator) && sql.Span(i) is "=";
    }

    /// <summary>A column name, possibly qualified (<c>t.a</c>): the last part; <paramref name="i"/> moves past it.</summary>
    private static string? ReadColumnName(SqlText sql, ref int i, int end)
    {
        string? name = null;
        while (i < end && sql.IsName(i))
        {
            name = sql.Name(i);
            if (name is null)
            {
                return null;
            }

            i++;
            if (!(i < end && sql.IsKind(i, SqlTokenKind.Dot)))
            {
                return name;
            }

            i++;
        }

        return null;
    }

    private static SqlStatement ClassifyDelete(SqlText sql, int start, int end, string? withClause)
    {
        var depth = sql[start].Depth;
        var i = start + 1;
        if (!sql.IsWord(i, "FROM"))
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        i++;
        var clauseStart = i;
        if (sql.IsWord(i, "ONLY"))
        {
            i++;
        }

        if (ReadTableName(sql, ref i, end) is not { } name)
        {
            return WithCalls(sql, start, end, SqlStatement.DatabaseWrite);
        }

        var where = IndexOfWord(sql, i, end, "WHERE", depth);
        var cursor = where >= 0 && sql.IsWord(where + 1, "CURRENT") && sql.IsWord(where + 2, "OF");
        var statement = new SqlStatement(SqlStatementKind.Delete)
        {
            Tables = [name],
            TableClause = sql.Slice(clauseStart, (where < 0 ? end : where) - 1),
            Where = where < 0 ? null : sql.Slice(where + 1, LastBefore(sql, where + 1, end, depth, ["RETURNING", "ORDER", "LIMIT", "OUTPUT"])),
            WithClause = withClause,
            HasFrom = cursor || IndexOfWord(sql, i, end, "USING", depth) >= 0 || IndexOfWord(sql, i, end, "FROM", depth) >= 0,
            HasReturning = IndexOfWord(sql, i, end, "RETURNING", depth) >= 0 || IndexOfWord(sql, start, end, "OUTPUT", depth) >= 0,
        };
        return WithCalls(sql, start, end, statement);
    }

    private static SqlStatement ClassifyMerge(SqlText sql, int start, int end)
    {
        var i = start + 1;
        if (sql.IsWord(i, "INTO"))
        {
            i++;
        }

        if (sql.IsWord(i, "ONLY"))
        {
            i++;
        }

        var statement = ReadTableName(sql, ref i, end) is { } name
            ? new SqlStatement(SqlStatementKind.TableWrite) { Tables = [name] }
            : SqlStatement.DatabaseWrite;
        return WithCalls(sql, start, end, statement);
    }
}

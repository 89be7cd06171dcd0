namespace CacheBot.Linq.Providers.Sql;

public static partial class SqlClassifier
{
    private static SqlStatement ClassifyTruncate(SqlText sql, int start, int end)
    {
        var i = start + 1;
        if (sql.IsWord(i, "TABLE"))
        {
            i++;
        }

        // CASCADE empties the referencing tables too, which the text does not name.
        return ReadTableList(sql, ref i, end) is { } names && !Contains(sql, i, end, "CASCADE")
            ? new SqlStatement(SqlStatementKind.TableWrite) { Tables = names }
            : SqlStatement.DatabaseWrite;
    }

    /// <summary>PostgreSQL COPY: <c>FROM</c> writes the table, <c>TO</c> reads it, <c>COPY (query) TO</c> runs the query.</summary>
    private static SqlStatement ClassifyCopy(SqlText sql, int start, int end)
    {
        if (sql.Dialect == SqlDialect.Sqlite)
        {
            return SqlStatement.DatabaseWrite;
        }

        var i = start + 1;
        if (sql.IsKind(i, SqlTokenKind.OpenParen))
        {
            var close = CloseOf(sql, i, end);
            if (close < 0)
            {
                return SqlStatement.DatabaseWrite;
            }

            var inner = ClassifyStatement(sql, i + 1, close);
            return inner.Kind == SqlStatementKind.ReadOnly ? inner with { TextEnd = 0 } : SqlStatement.DatabaseWrite with { Calls = inner.Calls };
        }

        if (ReadTableName(sql, ref i, end) is not { } name)
        {
            return SqlStatement.DatabaseWrite;
        }

        if (sql.IsKind(i, SqlTokenKind.OpenParen))
        {
            i = CloseOf(sql, i, end) + 1;
        }

        if (sql.IsWord(i, "TO"))
        {
            return SqlStatement.ReadOnly;
        }

        return sql.IsWord(i, "FROM") ? new SqlStatement(SqlStatementKind.TableWrite) { Tables = [name] } : SqlStatement.DatabaseWrite;
    }

    private static SqlStatement ClassifyCreate(SqlText sql, int start, int end)
    {
        var i = start + 1;
        var sets = SessionEffect.None;
        if (sql.IsWord(i, "OR") && sql.IsWord(i + 1, "REPLACE"))
        {
            i += 2;
        }

        if (sql.IsAnyWord(i, ["GLOBAL", "LOCAL"]))
        {
            i++;
        }

        if (sql.IsAnyWord(i, ["TEMP", "TEMPORARY"]))
        {
            sets = SessionEffect.TemporaryObjects;
            i++;
        }

        while (sql.IsAnyWord(i, ["UNLOGGED", "UNIQUE", "MATERIALIZED", "RECURSIVE", "VIRTUAL"]))
        {
            i++;
        }

        var ddl = new SqlStatement(SqlStatementKind.Ddl) { Sets = sets, ChangesSchema = true };
        if (sql.IsAnyWord(i, ["TABLE", "VIEW"]))
        {
            i++;
            SkipIfExists(sql, ref i);
            if (ReadTableName(sql, ref i, end) is not { } name)
            {
                return SqlStatement.DatabaseWrite with { Sets = sets, ChangesSchema = true };
            }

            if (name.Schema is { } schema && (schema.Equals("temp", StringComparison.OrdinalIgnoreCase) || schema.StartsWith("pg_temp", StringComparison.OrdinalIgnoreCase)))
            {
                ddl = ddl with { Sets = SessionEffect.TemporaryObjects };
            }

            ddl = ddl with { Tables = [name] };

            // CREATE TABLE ... AS query / CREATE VIEW ... AS query: the query runs (a table) or defines the results (a view).
            var asIndex = IndexOfWord(sql, i, end, "AS", sql[start].Depth);
            return asIndex < 0 ? ddl : WithCalls(sql, asIndex + 1, end, ddl);
        }

        if (sql.IsWord(i, "INDEX"))
        {
            var on = IndexOfWord(sql, i, end, "ON", sql[start].Depth);
            var j = on + 1;
            if (sql.IsWord(j, "ONLY"))
            {
                j++;
            }

            return on > 0 && ReadTableName(sql, ref j, end) is { } table ? ddl with { Tables = [table] } : SqlStatement.DatabaseWrite with { ChangesSchema = true };
        }

        // Functions, triggers, rules, policies, schemas (which may shadow tables through the search path), types, ...
        return SqlStatement.DatabaseWrite with { Sets = sets, ChangesSchema = true };
    }

    private static SqlStatement ClassifyDrop(SqlText sql, int start, int end)
    {
        var i = start + 1;
        if (!sql.IsWord(i, "TABLE"))
        {
            return SqlStatement.DatabaseWrite with { ChangesSchema = true };
        }

        i++;
        SkipIfExists(sql, ref i);

        // DROP ... CASCADE drops dependent views and constraints the text does not name.
        return ReadTableList(sql, ref i, end) is { } names && !Contains(sql, i, end, "CASCADE")
            ? new SqlStatement(SqlStatementKind.Ddl) { Tables = names, ChangesSchema = true }
            : SqlStatement.DatabaseWrite with { ChangesSchema = true };
    }

    /// <summary>EXPLAIN runs its statement only with ANALYZE (PostgreSQL, MySQL); SQLite's EXPLAIN never runs it.</summary>
    private static SqlStatement ClassifyExplain(SqlText sql, int start, int end)
    {
        if (sql.Dialect == SqlDialect.Sqlite)
        {
            return SqlStatement.ReadOnly;
        }

        var i = start + 1;
        var analyze = false;
        if (sql.IsKind(i, SqlTokenKind.OpenParen))
        {
            var close = CloseOf(sql, i, end);
            if (close < 0)
            {
                return SqlStatement.DatabaseWrite;
            }

            analyze = Contains(sql, i, close, "ANALYZE") || Contains(sql, i, close, "ANALYSE");
            i = close + 1;
        }

        while (sql.IsAnyWord(i, ["ANALYZE", "ANALYSE", "VERBOSE"]))
        {
            analyze |= !sql.IsWord(i, "VERBOSE");
            i++;
        }

        if (i >= end)
        {
            return SqlStatement.DatabaseWrite;
        }

        var inner = ClassifyStatement(sql, i, end);
        if (!analyze)
        {
            return SqlStatement.ReadOnly;
        }

        // The statement runs, but its images cannot be read through EXPLAIN: keep what it writes, coarsely.
        return inner.Kind switch
        {
            SqlStatementKind.ReadOnly => inner,
            SqlStatementKind.Insert or SqlStatementKind.Update or SqlStatementKind.Delete or SqlStatementKind.Upsert or SqlStatementKind.TableWrite =>
                inner with { Kind = SqlStatementKind.TableWrite, Upsert = null },
            _ => SqlStatement.DatabaseWrite with { Calls = inner.Calls, Sets = inner.Sets, TransactionStateUnknown = inner.IsTransactionControl },
        };
    }

    /// <summary>PostgreSQL <c>DECLARE name CURSOR FOR query</c>: the query's functions run as the cursor is read.</summary>
    private static SqlStatement ClassifyDeclare(SqlText sql, int start, int end)
    {
        var forIndex = IndexOfWord(sql, start, end, "FOR", sql[start].Depth);
        if (forIndex < 0 || forIndex + 1 >= end)
        {
            return SqlStatement.DatabaseWrite;
        }

        var inner = ClassifyStatement(sql, forIndex + 1, end);
        return inner.Kind == SqlStatementKind.ReadOnly ? inner with { TextEnd = 0 } : SqlStatement.DatabaseWrite with { Calls = inner.Calls };
    }

    private static SqlStatement ClassifyRefresh(SqlText sql, int start, int end)
    {
        var i = start + 1;
        if (!(sql.IsWord(i, "MATERIALIZED") && sql.IsWord(i + 1, "VIEW")))
        {
            return SqlStatement.DatabaseWrite;
        }

        i += 2;
        if (sql.IsWord(i, "CONCURRENTLY"))
        {
            i++;
        }

        return ReadTableName(sql, ref i, end) is { } name ? new SqlStatement(SqlStatementKind.TableWrite) { Tables = [name] } : SqlStatement.DatabaseWrite;
    }
}

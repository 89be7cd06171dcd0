using System.Collections.Concurrent;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Classifies SQL command text for invalidation and transaction tracking, on the tokens of <see cref="SqlTokenizer"/>:
/// each statement is read-only (provably), a write to named tables (insert, update, delete, upsert with its conflict
/// key, table write, DDL), a write of unknown extent, transaction control, or a session state change, with the
/// functions it calls that are not provably read-only.
/// </summary>
/// <remarks>
/// Soundness: anything the classifier cannot prove read-only is a write of the whole database
/// (<see cref="SqlStatementKind.DatabaseWrite"/>); an ambiguous text (see <see cref="SqlText.Ambiguous"/>) also makes
/// the transaction and session state unknown. Results are cached per (dialect, text) in a bounded map: linq2db sends the
/// same text for every execution of a query shape. Classification is a pure function of the text, so sharing is safe.
/// </remarks>
public static partial class SqlClassifier
{
    private const int MaxCachedTexts = 4096;
    private const int MaxCachedTextLength = 8192;

    private static readonly ConcurrentDictionary<(SqlDialect, string), SqlBatch> Cache = new();

    /// <summary>What a text that cannot be read reliably does: writes anything, may set any session state, leaves the transaction state unknown.</summary>
    public static readonly SqlBatch Unreadable = new([SqlStatement.DatabaseWrite with
    {
        Sets = SessionEffect.All, TransactionStateUnknown = true, ChangesSchema = true,
    }]);

    /// <summary>Classifies every statement of a command text (cached per dialect and text; thread-safe).</summary>
    /// <param name="text">The command text.</param>
    /// <param name="dialect">The database's dialect (<see cref="SqlDialect.Generic"/> when unknown).</param>
    /// <returns>The statements; an unreadable text is one <see cref="SqlStatementKind.DatabaseWrite"/> with every session effect.</returns>
    public static SqlBatch Classify(string text, SqlDialect dialect)
    {
        if (text.Length > MaxCachedTextLength)
        {
            return ClassifyUncached(text, dialect);
        }

        if (Cache.TryGetValue((dialect, text), out var known))
        {
            return known;
        }

        var batch = ClassifyUncached(text, dialect);
        if (Cache.Count >= MaxCachedTexts)
        {
            Cache.Clear();
        }

        Cache.TryAdd((dialect, text), batch);
        return batch;
    }

    internal static SqlBatch ClassifyUncached(string text, SqlDialect dialect)
    {
        var sql = SqlTokenizer.Tokenize(text, dialect);
        if (sql.Ambiguous)
        {
            return Unreadable;
        }

        var statements = new List<SqlStatement>();
        var start = 0;
        while (start < sql.Count)
        {
            if (sql[start].Kind == SqlTokenKind.Semicolon)
            {
                start++;
                continue;
            }

            var (end, bodyUnclosed) = StatementEnd(sql, start);
            var statement = ClassifyStatement(sql, start, end);
            statements.Add(bodyUnclosed ? statement with { Kind = SqlStatementKind.DatabaseWrite, TransactionStateUnknown = true } : statement);
            start = end;
        }

        return new SqlBatch(statements);
    }

    /// <summary>
    /// The token index after the statement that starts at <paramref name="start"/>: the next <c>;</c> at depth 0, except
    /// inside the body of <c>CREATE TRIGGER ... BEGIN ... END</c> (SQLite) or <c>BEGIN ATOMIC ... END</c> (PostgreSQL),
    /// whose statements end with <c>;</c> too.
    /// </summary>
    private static (int End, bool BodyUnclosed) StatementEnd(SqlText sql, int start)
    {
        var inBody = false;
        var caseDepth = 0;
        var isCreate = sql.IsWord(start, "CREATE");
        for (var i = start; i < sql.Count; i++)
        {
            var token = sql[i];
            if (token.Depth != 0)
            {
                continue;
            }

            if (isCreate && !inBody && sql.IsWord(i, "BEGIN"))
            {
                inBody = true;
                continue;
            }

            if (inBody)
            {
                if (sql.IsWord(i, "CASE"))
                {
                    caseDepth++;
                }
                else if (sql.IsWord(i, "END"))
                {
                    if (caseDepth == 0)
                    {
                        inBody = false;
                    }
                    else
                    {
                        caseDepth--;
                    }
                }

                continue;
            }

            if (token.Kind == SqlTokenKind.Semicolon)
            {
                return (i, false);
            }
        }

        return (sql.Count, inBody);
    }

    private static SqlStatement ClassifyStatement(SqlText sql, int start, int end)
    {
        var statement = ClassifyByKeyword(sql, start, end);
        return statement.TextEnd == 0 ? statement with { TextEnd = sql[end - 1].End } : statement;
    }

    private static SqlStatement ClassifyByKeyword(SqlText sql, int start, int end)
    {
        if (sql[start].Kind == SqlTokenKind.OpenParen)
        {
            return ClassifyQuery(sql, start, end);
        }

        if (!sql.IsKind(start, SqlTokenKind.Word))
        {
            return SqlStatement.DatabaseWrite;
        }

        switch (sql.Span(start).ToString().ToUpperInvariant())
        {
            case "SELECT":
            case "VALUES":
            case "TABLE":
                return ClassifyQuery(sql, start, end);
            case "WITH":
                return ClassifyWith(sql, start, end);
            case "INSERT":
            case "REPLACE":
                return ClassifyInsert(sql, start, end, null);
            case "UPDATE":
                return ClassifyUpdate(sql, start, end, null);
            case "DELETE":
                return ClassifyDelete(sql, start, end, null);
            case "MERGE":
                return ClassifyMerge(sql, start, end);
            case "TRUNCATE":
                return ClassifyTruncate(sql, start, end);
            case "COPY":
                return ClassifyCopy(sql, start, end);
            case "CREATE":
                return ClassifyCreate(sql, start, end);
            case "DROP":
                return ClassifyDrop(sql, start, end);
            case "EXPLAIN":
                return ClassifyExplain(sql, start, end);
            case "DECLARE":
                return ClassifyDeclare(sql, start, end);
            case "REFRESH":
                return ClassifyRefresh(sql, start, end);
            case "BEGIN":
            case "START":
            case "COMMIT":
            case "END":
            case "ROLLBACK":
            case "ABORT":
            case "SAVEPOINT":
            case "RELEASE":
            case "PREPARE":
                return ClassifyTransactionControl(sql, start, end);
            case "SET":
                return ClassifySet(sql, start, end);
            case "RESET":
                return ClassifyReset(sql, start, end);
            case "DISCARD":
                return ClassifyDiscard(sql, start, end);
            case "PRAGMA":
                return ClassifyPragma(sql, start, end);
            case "ATTACH":
                return sql.Dialect == SqlDialect.Sqlite ? new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.Attached } : SqlStatement.DatabaseWrite;
            case "DETACH":
                // The other attachments may remain: the session is not provably back to its defaults.
                return SqlStatement.ReadOnly;
            case "VACUUM":
                // SQLite's VACUUM may renumber the rowids of tables without an INTEGER PRIMARY KEY.
                return sql.Dialect == SqlDialect.PostgreSql || Contains(sql, start, end, "INTO") ? SqlStatement.ReadOnly : SqlStatement.DatabaseWrite;
            case "SHOW":
            case "ANALYZE":
            case "ANALYSE":
            case "REINDEX":
            case "CLUSTER":
            case "CHECKPOINT":
            case "LISTEN":
            case "UNLISTEN":
            case "NOTIFY":
            case "LOCK":
            case "FETCH":
            case "MOVE":
            case "CLOSE":
            case "DEALLOCATE":
            case "COMMENT":
                return SqlStatement.ReadOnly;
            default:
                // CALL, DO, EXECUTE, ALTER, GRANT, LOAD, IMPORT, ... and anything unknown.
                return SqlStatement.DatabaseWrite with { ChangesSchema = true };
        }
    }

    /// <summary>SELECT / VALUES / TABLE: read-only unless it creates a table (SELECT ... INTO) or calls functions that may write.</summary>
    private static SqlStatement ClassifyQuery(SqlText sql, int start, int end)
    {
        var depth = sql[start].Depth;
        var into = IndexOfWord(sql, start, end, "INTO", depth);
        var statement = into < 0 ? SqlStatement.ReadOnly : ClassifySelectInto(sql, into, end);
        return WithCalls(sql, start, end, statement);
    }

    private static SqlStatement ClassifySelectInto(SqlText sql, int into, int end)
    {
        if (sql.Dialect != SqlDialect.PostgreSql)
        {
            return SqlStatement.DatabaseWrite;
        }

        var i = into + 1;
        var sets = SessionEffect.None;
        if (sql.IsAnyWord(i, ["TEMP", "TEMPORARY"]) || (sql.IsAnyWord(i, ["GLOBAL", "LOCAL"]) && sql.IsAnyWord(i + 1, ["TEMP", "TEMPORARY"])))
        {
            sets = SessionEffect.TemporaryObjects;
            i += sql.IsAnyWord(i, ["TEMP", "TEMPORARY"]) ? 1 : 2;
        }
        else if (sql.IsWord(i, "UNLOGGED"))
        {
            i++;
        }

        if (sql.IsWord(i, "TABLE"))
        {
            i++;
        }

        return ReadTableName(sql, ref i, end) is { } name
            ? new SqlStatement(SqlStatementKind.Ddl) { Tables = [name], Sets = sets, ChangesSchema = true }
            : SqlStatement.DatabaseWrite with { Sets = sets, ChangesSchema = true };
    }
}

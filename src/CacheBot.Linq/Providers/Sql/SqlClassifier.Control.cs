namespace CacheBot.Linq.Providers.Sql;

public static partial class SqlClassifier
{
    /// <summary>BEGIN / START / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT / RELEASE / PREPARE [TRANSACTION].</summary>
    private static SqlStatement ClassifyTransactionControl(SqlText sql, int start, int end)
    {
        var i = start + 1;
        switch (sql.Span(start).ToString().ToUpperInvariant())
        {
            case "BEGIN":
                return new SqlStatement(SqlStatementKind.Begin);
            case "START":
                return sql.IsWord(i, "TRANSACTION") ? new SqlStatement(SqlStatementKind.Begin) : SqlStatement.DatabaseWrite;
            case "SAVEPOINT":
                return sql.IsName(i) ? new SqlStatement(SqlStatementKind.Savepoint) { Savepoint = sql.FoldedName(i) } : SqlStatement.DatabaseWrite;
            case "RELEASE":
                if (sql.IsWord(i, "SAVEPOINT") && sql.IsName(i + 1))
                {
                    i++;
                }

                return sql.IsName(i) ? new SqlStatement(SqlStatementKind.Release) { Savepoint = sql.FoldedName(i) } : SqlStatement.DatabaseWrite;
            case "PREPARE":
                // PREPARE TRANSACTION 'id' ends the transaction on this session; PREPARE name AS ... only plans a statement.
                return sql.IsWord(i, "TRANSACTION") ? new SqlStatement(SqlStatementKind.PrepareTransaction) : SqlStatement.ReadOnly;
            case "COMMIT" when sql.IsWord(i, "PREPARED"):
                return new SqlStatement(SqlStatementKind.CommitPrepared);
            case "ROLLBACK" when sql.IsWord(i, "PREPARED"):
                return new SqlStatement(SqlStatementKind.RollbackPrepared);
        }

        // COMMIT / END / ROLLBACK / ABORT [WORK | TRANSACTION [name]] [TO [SAVEPOINT] name | AND [NO] CHAIN]
        var commit = sql.IsAnyWord(start, ["COMMIT", "END"]);
        if (sql.IsAnyWord(i, ["WORK", "TRANSACTION"]))
        {
            i++;
            if (sql.Dialect == SqlDialect.Sqlite && sql.IsName(i) && !sql.IsAnyWord(i, ["TO", "AND"]))
            {
                i++;
            }
        }

        if (!commit && sql.IsWord(i, "TO"))
        {
            i++;
            if (sql.IsWord(i, "SAVEPOINT") && sql.IsName(i + 1))
            {
                i++;
            }

            return sql.IsName(i) ? new SqlStatement(SqlStatementKind.RollbackToSavepoint) { Savepoint = sql.FoldedName(i) } : SqlStatement.DatabaseWrite;
        }

        var chain = sql.IsWord(i, "AND") && sql.IsWord(i + 1, "CHAIN");
        if (i < end && !chain && !(sql.IsWord(i, "AND") && sql.IsWord(i + 1, "NO") && sql.IsWord(i + 2, "CHAIN")))
        {
            // Something this classifier does not know follows: the transaction state after it is unknown.
            return SqlStatement.DatabaseWrite with { TransactionStateUnknown = true };
        }

        return commit
            ? new SqlStatement(chain ? SqlStatementKind.CommitAndChain : SqlStatementKind.Commit)
            : new SqlStatement(chain ? SqlStatementKind.RollbackAndChain : SqlStatementKind.Rollback);
    }

    /// <summary>PostgreSQL SET: name resolution, role, lexing and result-changing settings taint the session; harmless ones do not.</summary>
    private static SqlStatement ClassifySet(SqlText sql, int start, int end)
    {
        if (sql.Dialect != SqlDialect.PostgreSql)
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.Setting };
        }

        var i = start + 1;
        var local = false;
        if (sql.IsAnyWord(i, ["SESSION", "LOCAL"]) && !sql.IsWord(i + 1, "CHARACTERISTICS") && !(sql.IsWord(i, "SESSION") && sql.IsWord(i + 1, "AUTHORIZATION")))
        {
            local = sql.IsWord(i, "LOCAL");
            i++;
        }

        if (sql.IsAnyWord(i, ["TRANSACTION", "CONSTRAINTS"]) || (sql.IsWord(i, "SESSION") && sql.IsWord(i + 1, "CHARACTERISTICS")))
        {
            return SqlStatement.ReadOnly;
        }

        if (sql.IsWord(i, "ROLE"))
        {
            return Session(SessionEffect.Role, sql.IsWord(i + 1, "NONE"), local, "role");
        }

        if (sql.IsWord(i, "SESSION") && sql.IsWord(i + 1, "AUTHORIZATION"))
        {
            return Session(SessionEffect.SessionAuthorization, sql.IsWord(i + 2, "DEFAULT"), local, "session_authorization");
        }

        if (sql.IsWord(i, "SCHEMA"))
        {
            return Session(SessionEffect.SearchPath, reset: false, local, "search_path");
        }

        if (sql.IsWord(i, "TIME") && sql.IsWord(i + 1, "ZONE"))
        {
            return Session(SessionEffect.Setting, sql.IsAnyWord(i + 2, ["DEFAULT", "LOCAL"]), local, "timezone");
        }

        if (sql.IsWord(i, "NAMES"))
        {
            return Session(SessionEffect.Setting, reset: false, local, "client_encoding");
        }

        // SET name {TO | =} value: the name may be qualified (custom settings read by policies: app.tenant).
        var nameEnd = i;
        while (sql.IsName(nameEnd) && sql.IsKind(nameEnd + 1, SqlTokenKind.Dot))
        {
            nameEnd += 2;
        }

        if (!sql.IsName(nameEnd))
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.All };
        }

        var name = sql.Slice(i, nameEnd).ToLowerInvariant();
        var valueAt = nameEnd + 1 + (sql.IsWord(nameEnd + 1, "TO") || (sql.IsKind(nameEnd + 1, SqlTokenKind.Operator) && sql.Span(nameEnd + 1) is "=") ? 1 : 0);
        var reset = sql.IsWord(valueAt, "DEFAULT") && valueAt + 1 == end;
        return Session(SettingEffect(name), reset, local, name);
    }

    private static SqlStatement ClassifyReset(SqlText sql, int start, int end)
    {
        if (sql.Dialect != SqlDialect.PostgreSql)
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.Setting };
        }

        var i = start + 1;
        if (sql.IsWord(i, "ALL"))
        {
            // RESET ALL does not reset the role or the session authorization.
            return new SqlStatement(SqlStatementKind.ReadOnly) { Resets = SessionEffect.SearchPath | SessionEffect.Setting | SessionEffect.Lexing };
        }

        if (sql.IsWord(i, "SESSION") && sql.IsWord(i + 1, "AUTHORIZATION"))
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Resets = SessionEffect.SessionAuthorization, SettingName = "session_authorization" };
        }

        if (!sql.IsName(i))
        {
            return SqlStatement.ReadOnly;
        }

        var name = sql.IsWord(i, "TIME") && sql.IsWord(i + 1, "ZONE")
            ? "timezone"
            : (i + 1 < end ? sql.Slice(i, end - 1) : sql.Span(i).ToString()).ToLowerInvariant();
        return new SqlStatement(SqlStatementKind.ReadOnly) { Resets = SettingEffect(name), SettingName = name };
    }

    private static SqlStatement ClassifyDiscard(SqlText sql, int start, int end)
    {
        var i = start + 1;
        if (sql.IsWord(i, "ALL"))
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Resets = SessionEffect.All };
        }

        return sql.IsAnyWord(i, ["TEMP", "TEMPORARY"]) && i + 1 == end
            ? new SqlStatement(SqlStatementKind.ReadOnly) { Resets = SessionEffect.TemporaryObjects }
            : SqlStatement.ReadOnly;
    }

    /// <summary>
    /// SQLite PRAGMA: a query form reads; assignments of performance settings are harmless, of result-changing ones taint
    /// the session, of header fields (user_version, ...) write; an unknown assignment does both.
    /// </summary>
    private static SqlStatement ClassifyPragma(SqlText sql, int start, int end)
    {
        if (sql.Dialect == SqlDialect.PostgreSql)
        {
            return SqlStatement.DatabaseWrite;
        }

        var i = start + 1;
        if (sql.IsName(i) && sql.IsKind(i + 1, SqlTokenKind.Dot))
        {
            i += 2;
        }

        if (!sql.IsName(i))
        {
            return SqlStatement.DatabaseWrite;
        }

        var name = sql.Name(i)!;
        var assigns = sql.IsKind(i + 1, SqlTokenKind.Operator) && sql.Span(i + 1) is "=";
        var called = sql.IsKind(i + 1, SqlTokenKind.OpenParen);
        if (!assigns && (!called || IsTableArgumentPragma(name)))
        {
            return SqlStatement.ReadOnly;
        }

        if (SqlKeywords.HarmlessSqlitePragmas.Contains(name))
        {
            return SqlStatement.ReadOnly;
        }

        if (SqlKeywords.SessionSqlitePragmas.Contains(name))
        {
            return new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.Setting, SettingName = name.ToLowerInvariant() };
        }

        // user_version, application_id, schema_version, writable_schema, and anything unknown.
        return SqlStatement.DatabaseWrite with { Sets = SessionEffect.Setting, SettingName = name.ToLowerInvariant(), ChangesSchema = true };
    }

    private static bool IsTableArgumentPragma(string name) =>
        name.StartsWith("table_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("index_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("foreign_key_list", StringComparison.OrdinalIgnoreCase) || name.Equals("foreign_key_check", StringComparison.OrdinalIgnoreCase)
        || name.Equals("integrity_check", StringComparison.OrdinalIgnoreCase) || name.Equals("quick_check", StringComparison.OrdinalIgnoreCase);

    private static SessionEffect SettingEffect(string name)
    {
        if (name is "search_path")
        {
            return SessionEffect.SearchPath;
        }

        if (name is "role")
        {
            return SessionEffect.Role;
        }

        if (name is "session_authorization")
        {
            return SessionEffect.SessionAuthorization;
        }

        if (SqlKeywords.LexingPostgresSettings.Contains(name))
        {
            return SessionEffect.Lexing;
        }

        return SqlKeywords.HarmlessPostgresSettings.Contains(name) ? SessionEffect.None : SessionEffect.Setting;
    }

    private static SqlStatement Session(SessionEffect effect, bool reset, bool local, string name) =>
        effect == SessionEffect.None || (reset && local)
            ? SqlStatement.ReadOnly
            : reset
                ? new SqlStatement(SqlStatementKind.ReadOnly) { Resets = effect, SettingName = name }
                : new SqlStatement(SqlStatementKind.ReadOnly) { Sets = effect, SettingName = name, IsLocal = local };
}

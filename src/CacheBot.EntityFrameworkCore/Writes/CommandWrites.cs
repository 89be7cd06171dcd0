using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// What one command EF sends (other than <c>SaveChanges</c>'s) writes, from the core's SQL classifier
/// (<see cref="SqlClassifier"/>): provable reads write nothing; INSERT, UPDATE, DELETE, upserts, table writes and DDL write
/// the tables they name (a DELETE also the tables its foreign keys cascade to); anything else (procedures, DO blocks,
/// calls that may write, transaction control, session changes, text the classifier cannot read) writes the whole database.
/// </summary>
/// <remarks>
/// <para>Calls: in SQL EF generates itself (LINQ queries, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>) a call is a translation
/// of a .NET member to a built-in, unless it names a user-defined function of the model (<c>HasDbFunction</c>), which may
/// write. In raw SQL (<c>FromSql</c>, <c>SqlQuery</c>, <c>ExecuteSql</c>) every call the classifier cannot prove read-only
/// (on PostgreSQL: every call; EF keeps no <c>pg_proc</c> catalog) makes the statement a database write.</para>
/// <para>Session: once raw SQL changes session state (<c>SET search_path</c>, <c>ATTACH</c>, temporary tables, ...) the context's
/// names may resolve elsewhere: its later writes are database writes and its reads bypass the cache
/// (<see cref="CacheBotContextState.SessionAltered"/>). Raw transaction control (<c>BEGIN</c>, <c>SAVEPOINT</c>, <c>COMMIT</c>,
/// <c>ROLLBACK</c>) is a database write applied at once, and reads bypass until a raw COMMIT or ROLLBACK ends it
/// (<see cref="CacheBotContextState.RawTransaction"/>).</para>
/// </remarks>
internal static class CommandWrites
{
    /// <summary>The classification of a command: its writes, and the single UPDATE/DELETE whose row images may be read.</summary>
    /// <param name="Writes">What the command writes.</param>
    /// <param name="ImageCandidate">The single UPDATE or DELETE whose row images may be read, if any.</param>
    /// <param name="ImageTable">The model's table of <paramref name="ImageCandidate"/>.</param>
    /// <param name="TransactionControl">Whether the command controls a transaction (raw BEGIN, COMMIT, SAVEPOINT, ...).</param>
    /// <param name="EndsRawTransaction">Whether it ends a raw transaction (COMMIT or ROLLBACK).</param>
    /// <param name="ChangesSchema">Whether it may change the catalog (DDL, migrations, text that is not provably a read or DML).</param>
    public readonly record struct Result(List<WriteRecord> Writes, SqlStatement? ImageCandidate, ITable? ImageTable, bool TransactionControl, bool EndsRawTransaction, bool ChangesSchema = false);

    /// <summary>Maps an EF store to the classifier's dialect.</summary>
    public static SqlDialect DialectOf(StoreKind store) => store switch
    {
        StoreKind.Sqlite => SqlDialect.Sqlite,
        StoreKind.PostgreSql => SqlDialect.PostgreSql,
        _ => SqlDialect.Generic,
    };

    /// <summary>Classifies <paramref name="sql"/> sent with <paramref name="source"/>.</summary>
    public static Result Classify(CacheBotContextState state, string? sql, CommandSource source)
    {
        var writes = new List<WriteRecord>();
        if (source == CommandSource.Migrations)
        {
            writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
            return new(writes, null, null, false, false, ChangesSchema: true);
        }

        if (string.IsNullOrWhiteSpace(sql))
        {
            return new(writes, null, null, false, false);
        }

        var batch = SqlClassifier.Classify(sql, DialectOf(state.Model.Store));
        if (batch.IsPlainRead)
        {
            return new(writes, null, null, false, false);
        }

        var generated = source is CommandSource.LinqQuery or CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete;
        var database = false;
        var transactionControl = false;
        var endsRaw = false;
        SqlStatement? candidate = null;
        var writing = 0;
        var schema = false;
        foreach (var statement in batch.Statements)
        {
            schema |= statement.Kind is SqlStatementKind.Ddl or SqlStatementKind.DatabaseWrite;
            if (statement.IsTransactionControl || statement.TransactionStateUnknown)
            {
                transactionControl = true;
                database = true;
                endsRaw |= statement.Kind is SqlStatementKind.Commit or SqlStatementKind.Rollback && !statement.TransactionStateUnknown;
                continue;
            }

            if (statement.Sets != SessionEffect.None || statement.Resets != SessionEffect.None)
            {
                // Kept for the rest of the context's life: a reset is not trusted (the state may be set again by a later text).
                state.SessionAltered = true;
                database = true;
            }

            if (statement.Calls.Count > 0 && !CallsReadOnly(state, statement.Calls, generated))
            {
                database = true;
                continue;
            }

            if (!statement.IsWrite)
            {
                continue;
            }

            writing++;
            if (statement.Kind == SqlStatementKind.DatabaseWrite || state.SessionAltered || statement.Tables.Count == 0)
            {
                database = true;
                continue;
            }

            foreach (var name in statement.Tables)
            {
                writes.Add(WriteRecord.ForTable(state.Model.TableNamed(name.Schema, name.Name)));
            }

            if (statement.Kind is SqlStatementKind.Delete or SqlStatementKind.TableWrite or SqlStatementKind.Ddl or SqlStatementKind.Upsert)
            {
                // A DELETE (and REPLACE, TRUNCATE, DROP, an upsert that replaces) cascades along the model's foreign keys.
                foreach (var name in statement.Tables)
                {
                    if (FindTable(state, name) is { } table)
                    {
                        Cascades.AddForTable(state.Model, table, writes);
                    }
                }
            }

            if (statement.Kind is SqlStatementKind.Update or SqlStatementKind.Delete)
            {
                candidate = statement;
            }
        }

        if (database)
        {
            writes.Clear();
            writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
            return new(writes, null, null, transactionControl, endsRaw, schema || !transactionControl);
        }

        if (writing != 1 || batch.Statements.Count != 1 || candidate is null || FindTable(state, candidate.Tables[0]) is not { } target)
        {
            candidate = null;
        }
        else
        {
            return new(writes, candidate, target, false, false);
        }

        return new(writes, null, null, false, false, schema);
    }

    /// <summary>
    /// The model's table a SQL name denotes: names compare case-insensitively (SQLite folds ASCII case; on PostgreSQL this
    /// only ever matches more); an unqualified name, or a model table in the default schema, matches any schema.
    /// Null when no table or several tables match.
    /// </summary>
    public static ITable? FindTable(CacheBotContextState state, SqlTableName name)
    {
        ITable? found = null;
        foreach (var table in state.Model.EfModel.GetRelationalModel().Tables)
        {
            if (!string.Equals(table.Name, name.Name, StringComparison.OrdinalIgnoreCase)
                || (name.Schema is not null && table.Schema is not null && !string.Equals(table.Schema, name.Schema, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = table;
        }

        return found;
    }

    /// <summary>
    /// Whether every call is provably read-only. SQL text: by the catalog's list (PostgreSQL), else none is. SQL EF
    /// generated: every call but those of the model's user-defined functions (EF translates to built-ins).
    /// </summary>
    private static bool CallsReadOnly(CacheBotContextState state, IReadOnlyList<string> calls, bool generated)
    {
        if (!generated)
        {
            return state.Model.Facts.ReadOnlyCalls is { } readOnly && calls.All(readOnly.Contains);
        }

        foreach (var function in state.Model.EfModel.GetDbFunctions())
        {
            if (function.IsBuiltIn)
            {
                continue;
            }

            foreach (var call in calls)
            {
                var bare = call.Contains('.', StringComparison.Ordinal) ? call[(call.LastIndexOf('.') + 1)..] : call;
                if (string.Equals(bare, function.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

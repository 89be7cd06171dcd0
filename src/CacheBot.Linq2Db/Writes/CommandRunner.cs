using System.Data;
using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Runs an intercepted command whose text is not a plain read, and records what it did: row images for a single
/// INSERT / UPDATE / DELETE / upsert (<see cref="WriteExecution"/>), otherwise a write of each named table (or of the
/// whole database) per statement, with transaction control and session changes applied in statement order.
/// </summary>
/// <remarks>
/// <para>Failures: a command that throws may still have written (a batch whose first statement committed, a COMMIT
/// whose outcome is unknown): its writes are recorded coarsely (the whole database unless it only inserts), its session
/// changes are kept (never its resets), and a batch with transaction control leaves the state unknown until the database
/// says otherwise. Then the exception is rethrown unchanged.</para>
/// <para>Readers: their statements run while the caller reads, so writes are recorded when the reader opens and again
/// when it is disposed (<see cref="CacheBotCommandInterceptor"/>), and transaction control makes the state unknown.</para>
/// </remarks>
internal static class CommandRunner
{
    private static readonly SqlBatch Procedure = new([SqlStatement.DatabaseWrite with { ChangesSchema = true }]);
    private static readonly SqlBatch GenericProcedure = new([SqlStatement.DatabaseWrite with { ChangesSchema = true, TransactionStateUnknown = true }]);

    /// <summary>Classifies the command; false when it is a plain read CacheBot has nothing to track for (linq2db runs it).</summary>
    public static bool NeedsTracking(WriteContext context, out SqlBatch batch)
    {
        var connection = context.Connection;
        if (connection is not null && (connection.Session.Current & SessionEffect.Lexing) != 0)
        {
            // The session no longer lexes SQL as the classifier does: nothing in the text can be trusted.
            batch = SqlClassifier.Unreadable;
            return true;
        }

        batch = context.Command.CommandType == CommandType.Text
            ? SqlClassifier.Classify(context.Command.CommandText, context.Dialect)
            : context.Dialect == SqlDialect.Generic ? GenericProcedure : Procedure;
        return !batch.IsPlainRead || connection?.Transactions.State == TransactionState.Unknown;
    }

    /// <summary>Runs the command; for a reader, also returns the writes to record again when it is disposed.</summary>
    public static async ValueTask<(object? Result, List<WriteRecord>? ReaderWrites)> RunAsync(
        CommandKind kind, CommandBehavior behavior, WriteContext context, SqlBatch batch, bool async, CancellationToken cancellationToken)
    {
        var tracker = context.Connection?.Transactions;
        if (tracker?.State == TransactionState.Unknown)
        {
            await ReconcileAsync(tracker, async, cancellationToken).ConfigureAwait(false);
        }

        if (tracker is not null && !batch.IsPlainRead)
        {
            await tracker.PrepareForAmbientAsync(async, cancellationToken).ConfigureAwait(false);
        }

        var statements = await ResolveAsync(context, batch, async, cancellationToken).ConfigureAwait(false);
        if (tracker is not null && tracker.Announces && !batch.IsPlainRead
            && (tracker.State != TransactionState.Open || batch.HasTransactionControl))
        {
            // This command may commit writes: announce them to the other processes first (a failure stops it here).
            var coarse = await CoarseWritesAsync(context, statements, async, cancellationToken).ConfigureAwait(false);
            await tracker.AnnounceAsync(Intents(tracker, statements, coarse), async, cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunStatementsAsync(kind, behavior, context, batch, statements, coarse, async, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                tracker.EndAnnouncement();
            }
        }

        return await RunStatementsAsync(kind, behavior, context, batch, statements, coarse: null, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each statement's writes without images, known before the command runs (cascade children come from the catalog).</summary>
    private static async ValueTask<List<WriteRecord>[]> CoarseWritesAsync(
        WriteContext context, List<SqlStatement> statements, bool async, CancellationToken cancellationToken)
    {
        var writes = new List<WriteRecord>[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            writes[i] = await WriteExecution.CoarseWritesAsync(context, statements[i], async, cancellationToken).ConfigureAwait(false);
        }

        return writes;
    }

    /// <summary>What a command may commit, coarsely: the writes its transaction holds if it may commit them, and each statement's coarse writes.</summary>
    private static List<WriteRecord> Intents(TransactionTracker tracker, List<SqlStatement> statements, List<WriteRecord>[] coarse)
    {
        var intents = new List<WriteRecord>();
        foreach (var statement in statements)
        {
            if (statement.Kind is SqlStatementKind.Commit or SqlStatementKind.CommitAndChain or SqlStatementKind.Release || statement.TransactionStateUnknown)
            {
                // The held writes may commit here (a rollback never needs an announcement, and must never be refused).
                intents.AddRange(tracker.PendingSnapshot());
                break;
            }
        }

        foreach (var writes in coarse)
        {
            intents.AddRange(writes);
        }

        return intents;
    }

    /// <summary>Runs the statements; <c>coarse</c> holds their coarse writes when an announcement already computed them, else null.</summary>
    private static async ValueTask<(object? Result, List<WriteRecord>? ReaderWrites)> RunStatementsAsync(
        CommandKind kind, CommandBehavior behavior, WriteContext context, SqlBatch batch, List<SqlStatement> statements,
        List<WriteRecord>[]? coarse, bool async, CancellationToken cancellationToken)
    {
        if (kind != CommandKind.Reader && statements.Count == 1 && WriteExecution.CanReadImages(context, statements[0], kind))
        {
            return (await WriteExecution.RunAsync(kind, context, statements[0], async, cancellationToken).ConfigureAwait(false), null);
        }

        // Known before the command runs: cascade children are read from the catalog now (an open reader would block it).
        var writes = coarse ?? await CoarseWritesAsync(context, statements, async, cancellationToken).ConfigureAwait(false);

        object? result;
        try
        {
            result = kind switch
            {
                CommandKind.NonQuery => async
                    ? await context.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false)
                    : context.Command.ExecuteNonQuery(),
                CommandKind.Scalar => async
                    ? await context.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                    : context.Command.ExecuteScalar(),
                _ => async
                    ? await context.Command.ExecuteReaderAsync(behavior, cancellationToken).ConfigureAwait(false)
                    : context.Command.ExecuteReader(behavior),
            };
        }
        catch (Exception)
        {
            await FailedAsync(context, batch, statements, async, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (kind == CommandKind.Reader)
        {
            return (result, ReaderOpened(context, batch, statements, writes));
        }

        await CompletedAsync(context, batch, statements, writes, async, cancellationToken).ConfigureAwait(false);
        return (result, null);
    }

    private static List<WriteRecord> Flatten(List<WriteRecord>[] writes)
    {
        var all = new List<WriteRecord>();
        foreach (var list in writes)
        {
            all.AddRange(list);
        }

        return all;
    }

    /// <summary>
    /// Folds calls and connection state into the statements: a statement whose calls may write becomes a database write,
    /// and so does any write while the session's names may resolve elsewhere.
    /// </summary>
    private static async ValueTask<List<SqlStatement>> ResolveAsync(WriteContext context, SqlBatch batch, bool async, CancellationToken cancellationToken)
    {
        var session = context.Connection?.Session.Current ?? SessionEffect.None;
        var schemaChanged = false;
        var statements = new List<SqlStatement>(batch.Statements.Count);
        var cache = context.Options.Cache!;
        foreach (var original in batch.Statements)
        {
            var statement = original;
            if (statement.Calls.Count > 0 && !statement.IsTransactionControl
                && !await context.Options.Functions.AllReadOnlyAsync(
                    statement.Calls, context.Dialect, context.Command, context.MayBeInTransaction, cache.Options.TimeProvider ?? TimeProvider.System, cache.Options.DefaultTimeToLive,
                    async, cancellationToken).ConfigureAwait(false))
            {
                statement = statement with { Kind = SqlStatementKind.DatabaseWrite, Upsert = null };
            }

            if (session != SessionEffect.None && statement.IsWrite && statement.Kind != SqlStatementKind.DatabaseWrite)
            {
                statement = statement with { Kind = SqlStatementKind.DatabaseWrite, Upsert = null };
            }

            if (schemaChanged && statement.IsWrite && statement.Kind != SqlStatementKind.DatabaseWrite)
            {
                // The catalog is read before the batch runs: a trigger, view or key created earlier in the batch is not in it yet.
                statement = statement with { Kind = SqlStatementKind.DatabaseWrite, Upsert = null };
            }

            // A session or schema change earlier in the same batch already applies to the statements after it.
            session |= statement.Sets;
            schemaChanged |= statement.ChangesSchema || statement.Kind == SqlStatementKind.DatabaseWrite;

            if (context.Dialect == SqlDialect.Sqlite && statement.Kind is SqlStatementKind.Insert or SqlStatementKind.Update or SqlStatementKind.Upsert
                && statement.Table is not null
                && await Schema.WriteClosure.ReplacesOnConflictAsync(context, statement.Tables[0], async, cancellationToken).ConfigureAwait(false))
            {
                // The table's own ON CONFLICT REPLACE deletes rows the images would not report.
                statement = statement with { Kind = SqlStatementKind.TableWrite, Upsert = null };
            }

            statements.Add(statement);
        }

        return statements;
    }

    private static async ValueTask CompletedAsync(
        WriteContext context, SqlBatch batch, List<SqlStatement> statements, List<WriteRecord>[] writes, bool async, CancellationToken cancellationToken)
    {
        var connection = context.Connection;
        var buffer = new List<WriteRecord>();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            buffer.AddRange(writes[i]);
            if (statement.IsTransactionControl || statement.TransactionStateUnknown)
            {
                // What ran before the transaction control belongs to the transaction it ends (or to autocommit).
                context.Record(buffer);
                buffer = [];
                connection?.Transactions.Apply(statement);
            }

            connection?.Session.Apply(statement, failed: false);
            SchemaChanged(context, statement);
        }

        context.Record(buffer);
        if (batch.HasTransactionControl && connection is not null)
        {
            await ReconcileAsync(connection.Transactions, async, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A reader opened: records its writes now (and returns them, to record again when it is disposed).</summary>
    private static List<WriteRecord> ReaderOpened(WriteContext context, SqlBatch batch, List<SqlStatement> statements, List<WriteRecord>[] writes)
    {
        var connection = context.Connection;
        foreach (var statement in statements)
        {
            // The reader's statements run while it is read: keep what they may set, trust no reset, nor any transaction end.
            connection?.Session.Apply(statement, failed: true);
            SchemaChanged(context, statement);
        }

        if (batch.HasTransactionControl)
        {
            connection?.Transactions.MarkUnknown();
        }

        var all = Flatten(writes);
        context.Record(all);
        return all;
    }

    private static async ValueTask FailedAsync(WriteContext context, SqlBatch batch, List<SqlStatement> statements, bool async, CancellationToken cancellationToken)
    {
        var connection = context.Connection;
        var writes = new List<WriteRecord>();
        var database = false;
        foreach (var statement in statements)
        {
            connection?.Session.Apply(statement, failed: true);
            SchemaChanged(context, statement);
            if (statement.Kind == SqlStatementKind.Insert && statement.Table is { } table && Schema.WriteClosure.IsSelfContained(context.Options, statement.Tables[0]))
            {
                writes.Add(WriteRecord.ForTable(TableModel.ForName(context.Options.DatabaseId, statement.Schema, table)));
            }
            else if (statement.IsWrite || statement.Kind == SqlStatementKind.CommitPrepared)
            {
                database = true;
            }
        }

        if (database)
        {
            writes = [WriteRecord.ForDatabase(context.Options.DatabaseId)];
        }

        context.Record(writes);
        if (connection is null)
        {
            return;
        }

        if (batch.HasTransactionControl)
        {
            connection.Transactions.MarkUnknown();
        }

        await ReconcileAsync(connection.Transactions, async, cancellationToken).ConfigureAwait(false);
    }

    private static void SchemaChanged(WriteContext context, SqlStatement statement)
    {
        // A write of unknown extent (a procedure, a function that may write) may have run DDL too.
        if (statement.ChangesSchema || statement.Kind == SqlStatementKind.DatabaseWrite)
        {
            Schema.WriteClosure.SchemaChanged(context);
            context.Options.Functions.Clear();
        }
    }

    /// <summary>Asks the database for its transaction state; a failure to ask leaves the state as it is.</summary>
    private static async ValueTask ReconcileAsync(TransactionTracker tracker, bool async, CancellationToken cancellationToken)
    {
        try
        {
            await tracker.ReconcileAsync(async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            // The connection may be broken; the state stays unknown (sound).
        }
    }
}

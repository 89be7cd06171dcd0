using System.Data;
using System.Data.Common;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;
using CacheBot.Linq2Db.Transactions;
using LinqToDB.Common;
using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Sees every command linq2db runs on a connection configured with <c>UseCacheBot</c> (entity CRUD, LINQ DML, bulk
/// copy through commands, raw SQL) and turns writes into invalidations. It runs write commands itself (linq2db then
/// skips its own execution) so it can read row images and record the write after it happened.
/// </summary>
internal sealed class CacheBotCommandInterceptor(CacheBotOptionSet options) : CommandInterceptor
{
    public override Option<int> ExecuteNonQuery(CommandEventData eventData, DbCommand command, Option<int> result)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { } statement || !(statement.IsWrite || statement.IsTransactionControl))
        {
            return result;
        }

        if (statement.IsTransactionControl)
        {
            return Option<int>.Some(SyncPath.Result(RunTransactionControlAsync(command, eventData.DataConnection, statement, async: false, CancellationToken.None)));
        }

        return Option<int>.Some(SyncPath.Result(WriteExecution.RunNonQueryAsync(
            options, command, eventData.DataConnection, statement, SupportsReturning(eventData), async: false, CancellationToken.None)));
    }

    public override async Task<Option<int>> ExecuteNonQueryAsync(CommandEventData eventData, DbCommand command, Option<int> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { } statement || !(statement.IsWrite || statement.IsTransactionControl))
        {
            return result;
        }

        if (statement.IsTransactionControl)
        {
            return Option<int>.Some(await RunTransactionControlAsync(command, eventData.DataConnection, statement, async: true, cancellationToken).ConfigureAwait(false));
        }

        return Option<int>.Some(await WriteExecution.RunNonQueryAsync(
            options, command, eventData.DataConnection, statement, SupportsReturning(eventData), async: true, cancellationToken).ConfigureAwait(false));
    }

    public override Option<object?> ExecuteScalar(CommandEventData eventData, DbCommand command, Option<object?> result)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { IsWrite: true } statement)
        {
            return result;
        }

        return Option<object?>.Some(SyncPath.Result(WriteExecution.RunScalarAsync(
            options, command, eventData.DataConnection, statement, SupportsReturning(eventData), async: false, CancellationToken.None)));
    }

    public override async Task<Option<object?>> ExecuteScalarAsync(CommandEventData eventData, DbCommand command, Option<object?> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { IsWrite: true } statement)
        {
            return result;
        }

        return Option<object?>.Some(await WriteExecution.RunScalarAsync(
            options, command, eventData.DataConnection, statement, SupportsReturning(eventData), async: true, cancellationToken).ConfigureAwait(false));
    }

    public override void AfterExecuteReader(CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, DbDataReader dataReader)
    {
        // A write that returns rows (UpdateWithOutput, INSERT ... RETURNING through a query): invalidate now, and
        // again when the reader is disposed, when the statement has certainly completed.
        if (SqlWriteParser.Parse(command.CommandText) is { IsWrite: true } statement)
        {
            WriteSink.RecordObserved(options, command, eventData.DataConnection, [CoarseWrite(statement)]);
        }
    }

    public override void BeforeReaderDispose(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        if (command is not null && SqlWriteParser.Parse(command.CommandText) is { IsWrite: true } statement)
        {
            WriteSink.RecordObserved(options, command, eventData.DataConnection, [CoarseWrite(statement)]);
        }
    }

    public override Task BeforeReaderDisposeAsync(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        BeforeReaderDispose(eventData, command, dataReader);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs a statement that opens or ends a transaction with SQL text and tracks it, so the transaction's writes wait for
    /// its end and its reads bypass the cache. Ending it commits the pending writes through the commit protocol (announced
    /// before the statement runs; applied on rollback too: CacheBot does not follow savepoints, and invalidating more is
    /// always safe).
    /// </summary>
    private async ValueTask<int> RunTransactionControlAsync(DbCommand command, LinqToDB.Data.DataConnection dataConnection, SqlStatement statement, bool async, CancellationToken cancellationToken)
    {
        var connection = WriteSink.TrackingConnectionOf(command, dataConnection);
        if (connection is null || connection.CurrentTransaction is not null || statement.Kind == SqlStatementKind.BeginTransaction || !connection.SqlTransactionOpen)
        {
            var affected = await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false);
            if (connection is { CurrentTransaction: null } && statement.Kind == SqlStatementKind.BeginTransaction)
            {
                connection.SqlTransactionOpen = true;
            }

            return affected;
        }

        var result = 0;
        await CommitProtocol.CommitAsync(
            options.Cache!,
            connection.PendingWrites,
            async (a, ct) => result = await ExecuteAsync(command, a, ct).ConfigureAwait(false),
            async,
            cancellationToken).ConfigureAwait(false);
        connection.SqlTransactionEnded();
        return result;
    }

    private static async ValueTask<int> ExecuteAsync(DbCommand command, bool async, CancellationToken cancellationToken) =>
        async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();

    private WriteRecord CoarseWrite(SqlStatement statement) =>
        statement.Table is null || statement.Kind == SqlStatementKind.Unknown
            ? WriteRecord.ForDatabase(options.DatabaseId)
            : WriteRecord.ForTable(TableModel.ForName(options.DatabaseId, statement.Schema, statement.Table));

    private static bool SupportsReturning(CommandEventData eventData)
    {
        var name = eventData.DataConnection.DataProvider.Name;
        return name.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) || name.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase);
    }
}

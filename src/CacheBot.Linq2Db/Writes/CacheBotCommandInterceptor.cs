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
internal sealed class CacheBotCommandInterceptor(CacheBotOptionSet configured) : CommandInterceptor
{
    /// <summary>The settings of the connection the command runs on (a private database has its own identity).</summary>
    private CacheBotOptionSet OptionsFor(CommandEventData eventData, DbCommand command) =>
        WriteSink.TrackingConnectionOf(command, eventData.DataConnection)?.Options ?? configured;

    public override Option<int> ExecuteNonQuery(CommandEventData eventData, DbCommand command, Option<int> result)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { } statement || !(statement.IsWrite || statement.IsTransactionControl))
        {
            return result;
        }

        if (statement.IsTransactionControl)
        {
            var affected = command.ExecuteNonQuery();
            SqlTransactionControl(command, eventData.DataConnection, statement);
            return Option<int>.Some(affected);
        }

        return Option<int>.Some(SyncPath.Result(WriteExecution.RunNonQueryAsync(
            OptionsFor(eventData, command), command, eventData.DataConnection, statement, SupportsReturning(eventData), async: false, CancellationToken.None)));
    }

    public override async Task<Option<int>> ExecuteNonQueryAsync(CommandEventData eventData, DbCommand command, Option<int> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { } statement || !(statement.IsWrite || statement.IsTransactionControl))
        {
            return result;
        }

        if (statement.IsTransactionControl)
        {
            var affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            SqlTransactionControl(command, eventData.DataConnection, statement);
            return Option<int>.Some(affected);
        }

        return Option<int>.Some(await WriteExecution.RunNonQueryAsync(
            OptionsFor(eventData, command), command, eventData.DataConnection, statement, SupportsReturning(eventData), async: true, cancellationToken).ConfigureAwait(false));
    }

    public override Option<object?> ExecuteScalar(CommandEventData eventData, DbCommand command, Option<object?> result)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { IsWrite: true } statement)
        {
            return result;
        }

        return Option<object?>.Some(SyncPath.Result(WriteExecution.RunScalarAsync(
            OptionsFor(eventData, command), command, eventData.DataConnection, statement, SupportsReturning(eventData), async: false, CancellationToken.None)));
    }

    public override async Task<Option<object?>> ExecuteScalarAsync(CommandEventData eventData, DbCommand command, Option<object?> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || SqlWriteParser.Parse(command.CommandText) is not { IsWrite: true } statement)
        {
            return result;
        }

        return Option<object?>.Some(await WriteExecution.RunScalarAsync(
            OptionsFor(eventData, command), command, eventData.DataConnection, statement, SupportsReturning(eventData), async: true, cancellationToken).ConfigureAwait(false));
    }

    public override void AfterExecuteReader(CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, DbDataReader dataReader)
    {
        // A write that returns rows (UpdateWithOutput, INSERT ... RETURNING through a query): invalidate now, and
        // again when the reader is disposed, when the statement has certainly completed.
        if (SqlWriteParser.Parse(command.CommandText) is { IsWrite: true } statement)
        {
            var options = OptionsFor(eventData, command);
            WriteSink.Record(options, command, eventData.DataConnection, [CoarseWrite(options, statement)]);
        }
    }

    public override void BeforeReaderDispose(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        if (command is not null && SqlWriteParser.Parse(command.CommandText) is { IsWrite: true } statement)
        {
            var options = OptionsFor(eventData, command);
            WriteSink.Record(options, command, eventData.DataConnection, [CoarseWrite(options, statement)]);
        }
    }

    public override Task BeforeReaderDisposeAsync(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        BeforeReaderDispose(eventData, command, dataReader);
        return Task.CompletedTask;
    }

    /// <summary>Tracks a transaction opened or ended with SQL text, so its writes wait for the end and its reads bypass the cache.</summary>
    private static void SqlTransactionControl(DbCommand command, LinqToDB.Data.DataConnection dataConnection, SqlStatement statement)
    {
        if (WriteSink.TrackingConnectionOf(command, dataConnection) is not { } connection || connection.CurrentTransaction is not null)
        {
            return;
        }

        if (statement.Kind == SqlStatementKind.BeginTransaction)
        {
            connection.SqlTransactionOpen = true;
        }
        else if (connection.SqlTransactionOpen)
        {
            connection.SqlTransactionEnded();
        }
    }

    /// <summary>
    /// A write read through a data reader (the catalog cannot be read while it is open): a table write when the catalog
    /// already knows the table changes nothing else, else a whole-database write.
    /// </summary>
    private static WriteRecord CoarseWrite(CacheBotOptionSet options, SqlStatement statement) =>
        statement.Table is null || statement.Kind == SqlStatementKind.Unknown
            || !options.Schema.IsSelfContained(new Schema.RelationRef(statement.Schema, statement.Table))
            ? WriteRecord.ForDatabase(options.DatabaseId)
            : WriteRecord.ForTable(TableModel.ForName(options.DatabaseId, statement.Schema, statement.Table));

    private static bool SupportsReturning(CommandEventData eventData)
    {
        var name = eventData.DataConnection.DataProvider.Name;
        return name.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) || name.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase);
    }
}

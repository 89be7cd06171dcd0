using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;
using CacheBot.Linq.Providers.Sql;
using LinqToDB.Common;
using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Sees every command linq2db runs on a connection configured with <c>UseCacheBot</c> (entity CRUD, LINQ DML, bulk
/// copy through commands, raw SQL, queries) and turns what it does into invalidations and transaction or session state.
/// A command whose text is a plain read runs as linq2db runs it; any other the interceptor runs itself
/// (<see cref="CommandRunner"/>; linq2db then skips its own execution) so it can read row images, record the write after it
/// happened, and record it even when the command throws.
/// </summary>
internal sealed class CacheBotCommandInterceptor(CacheBotOptionSet configured) : CommandInterceptor
{
    /// <summary>The writes of reader commands, recorded again when the reader is disposed (its statements have then run).</summary>
    private readonly ConditionalWeakTable<DbDataReader, List<WriteRecord>> _readerWrites = [];

    /// <summary>Every command, reads included: refuses data connections CacheBot does not track (<see cref="Transactions.UserOwnedConnections"/>).</summary>
    public override DbCommand CommandInitialized(CommandEventData eventData, DbCommand command)
    {
        Transactions.UserOwnedConnections.ThrowIfUntracked(eventData.DataConnection);
        return command;
    }

    public override Option<int> ExecuteNonQuery(CommandEventData eventData, DbCommand command, Option<int> result)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        return Option<int>.Some((int)SyncPath.Result(CommandRunner.RunAsync(CommandKind.NonQuery, default, context, batch, async: false, CancellationToken.None)).Result!);
    }

    public override async Task<Option<int>> ExecuteNonQueryAsync(CommandEventData eventData, DbCommand command, Option<int> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        return Option<int>.Some((int)(await CommandRunner.RunAsync(CommandKind.NonQuery, default, context, batch, async: true, cancellationToken).ConfigureAwait(false)).Result!);
    }

    public override Option<object?> ExecuteScalar(CommandEventData eventData, DbCommand command, Option<object?> result)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        return Option<object?>.Some(SyncPath.Result(CommandRunner.RunAsync(CommandKind.Scalar, default, context, batch, async: false, CancellationToken.None)).Result);
    }

    public override async Task<Option<object?>> ExecuteScalarAsync(CommandEventData eventData, DbCommand command, Option<object?> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        return Option<object?>.Some((await CommandRunner.RunAsync(CommandKind.Scalar, default, context, batch, async: true, cancellationToken).ConfigureAwait(false)).Result);
    }

    public override Option<DbDataReader> ExecuteReader(CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        var (reader, writes) = SyncPath.Result(CommandRunner.RunAsync(CommandKind.Reader, commandBehavior, context, batch, async: false, CancellationToken.None));
        return Option<DbDataReader>.Some(Remember((DbDataReader)reader!, writes));
    }

    public override async Task<Option<DbDataReader>> ExecuteReaderAsync(
        CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result, CancellationToken cancellationToken)
    {
        if (result.HasValue || !Track(eventData, command, out var context, out var batch))
        {
            return result;
        }

        var (reader, writes) = await CommandRunner.RunAsync(CommandKind.Reader, commandBehavior, context, batch, async: true, cancellationToken).ConfigureAwait(false);
        return Option<DbDataReader>.Some(Remember((DbDataReader)reader!, writes));
    }

    public override void BeforeReaderDispose(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        if (command is not null && _readerWrites.TryGetValue(dataReader, out var writes))
        {
            _readerWrites.Remove(dataReader);
            WriteSink.Record(WriteSink.TrackingConnectionOf(command, eventData.DataConnection)?.Options ?? configured, command, eventData.DataConnection, writes);
        }
    }

    public override Task BeforeReaderDisposeAsync(CommandEventData eventData, DbCommand? command, DbDataReader dataReader)
    {
        BeforeReaderDispose(eventData, command, dataReader);
        return Task.CompletedTask;
    }

    private bool Track(CommandEventData eventData, DbCommand command, out WriteContext context, out SqlBatch batch)
    {
        // The settings of the connection the command runs on (a private database has its own identity and catalog).
        var options = WriteSink.TrackingConnectionOf(command, eventData.DataConnection)?.Options ?? configured;
        context = new WriteContext(options, command, eventData.DataConnection);
        return CommandRunner.NeedsTracking(context, out batch);
    }

    private DbDataReader Remember(DbDataReader reader, List<WriteRecord>? writes)
    {
        if (writes is { Count: > 0 })
        {
            _readerWrites.AddOrUpdate(reader, writes);
        }

        return reader;
    }
}

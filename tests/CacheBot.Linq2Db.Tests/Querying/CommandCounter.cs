using System.Data;
using System.Data.Common;
using LinqToDB.Common;
using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>Counts the commands linq2db executes, split by sync and async ADO.NET calls.</summary>
public sealed class CommandCounter : CommandInterceptor
{
    private int _syncReaders, _asyncReaders, _syncOther, _asyncOther;

    public int SyncReaders => Volatile.Read(ref _syncReaders);

    public int AsyncReaders => Volatile.Read(ref _asyncReaders);

    public int SyncCommands => SyncReaders + Volatile.Read(ref _syncOther);

    public int AsyncCommands => AsyncReaders + Volatile.Read(ref _asyncOther);

    public int Total => SyncCommands + AsyncCommands;

    public void Reset()
    {
        _syncReaders = _asyncReaders = _syncOther = _asyncOther = 0;
    }

    public override Option<DbDataReader> ExecuteReader(CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result)
    {
        Interlocked.Increment(ref _syncReaders);
        return result;
    }

    public override Task<Option<DbDataReader>> ExecuteReaderAsync(
        CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _asyncReaders);
        return Task.FromResult(result);
    }

    public override Option<object?> ExecuteScalar(CommandEventData eventData, DbCommand command, Option<object?> result)
    {
        Interlocked.Increment(ref _syncOther);
        return result;
    }

    public override Task<Option<object?>> ExecuteScalarAsync(CommandEventData eventData, DbCommand command, Option<object?> result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _asyncOther);
        return Task.FromResult(result);
    }

    public override Option<int> ExecuteNonQuery(CommandEventData eventData, DbCommand command, Option<int> result)
    {
        Interlocked.Increment(ref _syncOther);
        return result;
    }

    public override Task<Option<int>> ExecuteNonQueryAsync(CommandEventData eventData, DbCommand command, Option<int> result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _asyncOther);
        return Task.FromResult(result);
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Counts the reader commands EF sends (a cache hit sends none).</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _readers;

    public int Readers => Volatile.Read(ref _readers);

    public List<string> Sql { get; } = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _readers);
        lock (Sql)
        {
            Sql.Add(command.CommandText);
        }

        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _readers);
        lock (Sql)
        {
            Sql.Add(command.CommandText);
        }

        return new(result);
    }
}

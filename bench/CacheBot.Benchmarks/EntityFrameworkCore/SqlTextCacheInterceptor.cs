using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.Benchmarks.EntityFrameworkCore;

/// <summary>
/// A clean-room model of the SQL-text cache wired into EF Core as a <see cref="DbCommandInterceptor"/> (the design of
/// EFCoreSecondLevelCacheInterceptor): the key is the SQL text plus parameter values, a hit returns the stored rows through
/// a data reader (<c>SuppressWithResult</c>), so EF still funcletizes, builds the command and materialises on every hit;
/// any non-SELECT command invalidates every entry (per-table parsing is left out: it only changes precision).
/// Benchmark baseline only.
/// </summary>
public sealed class SqlTextCacheInterceptor : DbCommandInterceptor
{
    private readonly ConcurrentDictionary<string, DataTable> _entries = new(StringComparer.Ordinal);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (!command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            _entries.Clear();
            return result;
        }

        return _entries.TryGetValue(Key(command), out var table) ? InterceptionResult<DbDataReader>.SuppressWithResult(new ConvertingReader(table.CreateDataReader())) : result;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (!command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || result is ConvertingReader)
        {
            return result;
        }

        var table = new DataTable();
        table.Load(result);
        _entries[Key(command)] = table;
        return new ConvertingReader(table.CreateDataReader());
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        _entries.Clear();
        return result;
    }

    private static string Key(DbCommand command)
    {
        var key = new StringBuilder(command.CommandText);
        foreach (DbParameter parameter in command.Parameters)
        {
            key.Append('\u0001').Append(parameter.ParameterName).Append('=').Append(parameter.Value);
        }

        return key.ToString();
    }
}

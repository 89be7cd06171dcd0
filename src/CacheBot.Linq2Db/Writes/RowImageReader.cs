using System.Data.Common;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Writes;

/// <summary>Reads row images (pre-image SELECT, RETURNING rows) into <see cref="RowValues"/>, up to a bound.</summary>
internal static class RowImageReader
{
    /// <summary>Above this many rows a write becomes a table write: reading more images would cost more than it saves.</summary>
    public const int MaxRows = 1000;

    /// <summary>Reads every row (the statement must run to completion); returns null images when there were more than <see cref="MaxRows"/>.</summary>
    public static async ValueTask<(List<RowValues>? Rows, int Count)> ReadAllAsync(DbDataReader reader, int skipColumns, bool async, CancellationToken cancellationToken)
    {
        var rows = new List<RowValues>();
        var count = 0;
        while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
        {
            count++;
            if (count > MaxRows)
            {
                rows.Clear();
                continue;
            }

            rows.Add(ImageOf(reader, skipColumns));
        }

        return (count > MaxRows ? null : rows, count);
    }

    /// <summary>The current row as an image, by column name, skipping the first <paramref name="skipColumns"/> columns.</summary>
    public static RowValues ImageOf(DbDataReader reader, int skipColumns)
    {
        var values = new Dictionary<string, object?>(reader.FieldCount, StringComparer.OrdinalIgnoreCase);
        for (var i = skipColumns; i < reader.FieldCount; i++)
        {
            values.TryAdd(reader.GetName(i), reader.IsDBNull(i) ? null : reader.GetValue(i));
        }

        return RowValues.FromDictionary(values);
    }

    /// <summary>Runs <paramref name="command"/> and reads every returned row (see <see cref="ReadAllAsync"/>).</summary>
    public static async ValueTask<(List<RowValues>? Rows, int Count)> ExecuteAndReadAllAsync(DbCommand command, bool async, CancellationToken cancellationToken)
    {
        var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
        try
        {
            return await ReadAllAsync(reader, 0, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(reader, async).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes synchronously on the sync path (which must complete synchronously), asynchronously otherwise.</summary>
    public static async ValueTask DisposeAsync(IAsyncDisposable disposable, bool async)
    {
        if (async)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            ((IDisposable)disposable).Dispose();
        }
    }

    /// <summary>A command on the same connection and transaction as <paramref name="command"/>, with copies of its parameters.</summary>
    public static DbCommand CreateSibling(DbCommand command, string sql, bool copyParameters = true)
    {
        var sibling = command.Connection!.CreateCommand();
        sibling.Transaction = command.Transaction;
        sibling.CommandText = sql;
        sibling.CommandTimeout = command.CommandTimeout;
        if (copyParameters)
        {
            foreach (DbParameter parameter in command.Parameters)
            {
                sibling.Parameters.Add(Clone(sibling, parameter));
            }
        }

        return sibling;
    }

    /// <summary>Runs <paramref name="sql"/> (no parameters) as a sibling of <paramref name="command"/>.</summary>
    public static async ValueTask ExecuteSiblingAsync(DbCommand command, string sql, bool async, CancellationToken cancellationToken)
    {
        var sibling = CreateSibling(command, sql, copyParameters: false);
        try
        {
            _ = async ? await sibling.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : sibling.ExecuteNonQuery();
        }
        finally
        {
            await DisposeAsync(sibling, async).ConfigureAwait(false);
        }
    }

    private static DbParameter Clone(DbCommand owner, DbParameter parameter)
    {
        if (parameter is ICloneable cloneable)
        {
            return (DbParameter)cloneable.Clone();
        }

        var copy = owner.CreateParameter();
        copy.ParameterName = parameter.ParameterName;
        copy.DbType = parameter.DbType;
        copy.Direction = parameter.Direction;
        copy.Size = parameter.Size;
        copy.Precision = parameter.Precision;
        copy.Scale = parameter.Scale;
        copy.IsNullable = parameter.IsNullable;
        copy.Value = parameter.Value;
        return copy;
    }
}

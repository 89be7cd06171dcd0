using System.Data.Common;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Writes;

/// <summary>Reads row images (pre-image SELECT, RETURNING rows) into <see cref="RowValues"/>, up to a bound.</summary>
internal static class RowImageReader
{
    /// <summary>Above this many rows a write becomes a table write: reading more images would cost more than it saves.</summary>
    public const int MaxRows = 1000;

    /// <summary>How many recent layouts each thread keeps for reuse (a table's pre-image and RETURNING rows share one).</summary>
    private const int RecentLayouts = 8;

    [ThreadStatic]
    private static RowLayout?[]? t_recent;

    [ThreadStatic]
    private static int t_next;

    /// <summary>Reads every row (the statement must run to completion); returns null images when there were more than <see cref="MaxRows"/>.</summary>
    /// <remarks>A caller that read a row itself passes the <paramref name="layout"/> it used (the columns are read once per statement).</remarks>
    public static async ValueTask<(List<RowValues>? Rows, int Count)> ReadAllAsync(
        DbDataReader reader, int skipColumns, bool async, CancellationToken cancellationToken, RowLayout? layout = null)
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

            layout ??= LayoutOf(reader, skipColumns);
            rows.Add(ImageOf(reader, skipColumns, layout));
        }

        return (count > MaxRows ? null : rows, count);
    }

    /// <summary>The current row as an image over <paramref name="layout"/> (<see cref="LayoutOf"/>), skipping the first <paramref name="skipColumns"/> columns.</summary>
    public static RowValues ImageOf(DbDataReader reader, int skipColumns, RowLayout layout)
    {
        var values = new object?[layout.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i + skipColumns) ? null : reader.GetValue(i + skipColumns);
        }

        return new RowValues(layout, values);
    }

    /// <summary>
    /// The reader's columns (after <paramref name="skipColumns"/>) as a layout: one this thread used recently when every
    /// name matches exactly (the names are read and compared on every statement, never assumed), else a new one.
    /// </summary>
    public static RowLayout LayoutOf(DbDataReader reader, int skipColumns)
    {
        var count = Math.Max(0, reader.FieldCount - skipColumns);
        var recent = t_recent ??= new RowLayout?[RecentLayouts];
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = reader.GetName(i + skipColumns);
        }

        foreach (var candidate in recent)
        {
            if (candidate is not null && Matches(candidate, names))
            {
                return candidate;
            }
        }

        var layout = new RowLayout(names);
        recent[t_next] = layout;
        t_next = (t_next + 1) % RecentLayouts;
        return layout;
    }

    private static bool Matches(RowLayout layout, string[] names)
    {
        if (layout.Count != names.Length)
        {
            return false;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!string.Equals(layout[i], names[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
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

    /// <summary>A new command (the caller disposes it) on the same connection and transaction as <paramref name="command"/>, without parameters.</summary>
    public static DbCommand CreateSibling(DbCommand command, string sql)
    {
        var sibling = command.Connection!.CreateCommand();
        sibling.Transaction = command.Transaction;
        sibling.CommandText = sql;
        sibling.CommandTimeout = command.CommandTimeout;
        return sibling;
    }

    /// <summary>Runs <paramref name="sql"/> (no parameters) as a sibling of <paramref name="command"/>, kept prepared (<see cref="SiblingCommands"/>).</summary>
    public static async ValueTask ExecuteSiblingAsync(DbCommand command, string sql, bool async, CancellationToken cancellationToken)
    {
        var sibling = SiblingCommands.For(command, sql);
        _ = async ? await sibling.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : sibling.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs <paramref name="command"/>'s own statement with <paramref name="suffix"/> inserted at <paramref name="at"/> (a
    /// <c>RETURNING</c> clause) and hands its reader to <paramref name="read"/>. The variant runs as a prepared sibling with
    /// the same parameters; a command with output parameters runs itself, with its text changed for the call.
    /// </summary>
    public static async ValueTask<T> ExecuteVariantAsync<T>(
        DbCommand command, int at, string suffix, Func<DbDataReader, bool, CancellationToken, ValueTask<T>> read, bool async, CancellationToken cancellationToken)
    {
        var original = command.CommandText;
        var text = original[..at] + suffix + original[at..];
        if (SiblingCommands.HasOnlyInputs(command))
        {
            return await SiblingCommands.WithParametersAsync(command, text, sibling => ReadAsync(sibling, read, async, cancellationToken)).ConfigureAwait(false);
        }

        command.CommandText = text;
        try
        {
            return await ReadAsync(command, read, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            command.CommandText = original;
        }
    }

    private static async ValueTask<T> ReadAsync<T>(DbCommand command, Func<DbDataReader, bool, CancellationToken, ValueTask<T>> read, bool async, CancellationToken cancellationToken)
    {
        var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
        try
        {
            return await read(reader, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(reader, async).ConfigureAwait(false);
        }
    }
}

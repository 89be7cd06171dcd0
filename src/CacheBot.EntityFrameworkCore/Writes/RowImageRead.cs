using System.Data.Common;
using System.Globalization;
using System.Text;
using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// Row images of one UPDATE or DELETE EF sends (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, or raw SQL through
/// <c>ExecuteSql</c>), read atomically with it: before the statement, a SELECT of every column of the target with the
/// statement's own table clause, WHERE and parameters (the same command object, text swapped and restored), on the same
/// connection and transaction (PostgreSQL: <c>FOR UPDATE</c>, so the rows cannot change before the write); after it, for
/// an UPDATE, the same rows re-selected by primary key. Outside a transaction CacheBot opens one around the pair (SQLite:
/// <c>BEGIN IMMEDIATE</c>, which takes the write lock first) and commits it right after the post-image, before the write is
/// applied to the cache.
/// </summary>
/// <remarks>
/// <para>Soundness: the images are used only when the statement's affected-row count equals the pre-image's row count
/// (under READ COMMITTED an UPDATE re-evaluates its WHERE; a row that began to match after the locked SELECT makes the
/// count differ) and every updated row is found again by key. Otherwise, or beyond <see cref="MaxRows"/> rows, or when a
/// read fails, the write stays a table write.</para>
/// <para>Not read (table write instead): statements with their own RETURNING, UPDATE ... FROM / DELETE ... USING, an UPDATE
/// that assigns a primary-key column or whose assignments cannot be read, tables without a primary key, providers other
/// than SQLite and PostgreSQL, an ambient <c>TransactionScope</c> the context has no transaction of, and a context whose
/// session or transaction state was changed by raw SQL. SQLite <c>ON CONFLICT REPLACE</c> constraints and foreign-key
/// actions that are not in EF's model come from the catalog (<see cref="CatalogConsequences"/>).</para>
/// </remarks>
internal sealed class RowImageRead
{
    /// <summary>The largest number of rows whose images are read; a larger write stays a table write.</summary>
    public const int MaxRows = 1000;

    private const string Savepoint = "cachebot_image";

    private readonly CacheBotContextState _state;
    private readonly ITable _table;
    private readonly TableModel _model;
    private readonly SqlStatement _statement;
    private readonly ImageColumns _columns;
    private readonly List<(string Key, object?[] Raw, RowValues Image)> _before = [];
    private DbTransaction? _implicit;

    private RowImageRead(CacheBotContextState state, ITable table, SqlStatement statement)
    {
        _state = state;
        _table = table;
        _statement = statement;
        _model = state.Model.TableNamed(table.Schema, table.Name);
        _columns = ImageColumns.For(table);
    }

    private bool Postgres => _state.Model.Store == StoreKind.PostgreSql;

    /// <summary>Reads the pre-image before <paramref name="command"/> runs; null when images are not read (then the write stays a table write).</summary>
    public static async ValueTask<RowImageRead?> TryBeginAsync(
        CacheBotContextState state, DbCommand command, SqlStatement statement, ITable table, bool async, CancellationToken cancellationToken)
    {
        if (!CanRead(state, command, statement, table))
        {
            return null;
        }

        var read = new RowImageRead(state, table, statement);
        if (!state.Cache.NeedsRowImages(read._model))
        {
            return null;
        }

        return await read.ReadBeforeAsync(command, async, cancellationToken).ConfigureAwait(false) ? read : null;
    }

    /// <summary>
    /// After the statement ran: the row writes (with the database's cascades of a delete), or null when the images do not
    /// cover the write; commits the transaction CacheBot opened (a failing commit throws: the write did not happen).
    /// </summary>
    public async ValueTask<List<WriteRecord>?> CompleteAsync(DbCommand command, int rowsAffected, bool async, CancellationToken cancellationToken)
    {
        List<WriteRecord>? writes = null;
        try
        {
            if (rowsAffected == _before.Count)
            {
                writes = _statement.Kind == SqlStatementKind.Delete
                    ? Deletes()
                    : await UpdatesAsync(command, async, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DbException)
        {
            writes = null;
        }

        if (_implicit is { } transaction)
        {
            _implicit = null;
            command.Transaction = null;
            if (async)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                transaction.Commit();
                transaction.Dispose();
            }
        }

        return writes;
    }

    /// <summary>The statement failed: rolls back the transaction CacheBot opened (nothing was written).</summary>
    public void Abort(DbCommand command)
    {
        if (_implicit is { } transaction)
        {
            _implicit = null;
            command.Transaction = null;
            try
            {
                transaction.Rollback();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                // The connection is broken: the transaction is gone with it.
            }

            transaction.Dispose();
        }
    }

    private static bool CanRead(CacheBotContextState state, DbCommand command, SqlStatement statement, ITable table)
    {
        if (state.Model.Store is not (StoreKind.Sqlite or StoreKind.PostgreSql) || statement.HasFrom || statement.HasReturning
            || statement.TableClause is null || table.PrimaryKey is null || state.SessionAltered || state.RawTransaction
            || command.Connection is null || (command.Transaction is null && (System.Transactions.Transaction.Current is not null || state.Context.Database.CurrentTransaction is not null)))
        {
            return false;
        }

        var columns = ImageColumns.For(table);
        if (columns.KeyOrdinals.Count == 0 || columns.KeyOrdinals.Any(k => k < 0))
        {
            return false;
        }

        if (statement.Kind == SqlStatementKind.Update)
        {
            if (statement.AssignedColumns is not { } assigned)
            {
                return false;
            }

            foreach (var name in assigned)
            {
                if (table.PrimaryKey.Columns.Any(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }
            }
        }

        return statement.Kind is SqlStatementKind.Update or SqlStatementKind.Delete;
    }

    private async ValueTask<bool> ReadBeforeAsync(DbCommand command, bool async, CancellationToken cancellationToken)
    {
        var select = new StringBuilder(_statement.WithClause).Append(" SELECT ").Append(ColumnList()).Append(" FROM ").Append(_statement.TableClause);
        if (_statement.Where is { } where)
        {
            select.Append(" WHERE ").Append(where);
        }

        select.Append(" LIMIT ").Append((MaxRows + 1).ToString(CultureInfo.InvariantCulture));
        if (Postgres)
        {
            select.Append(" FOR UPDATE");
        }

        var userTransaction = command.Transaction;
        if (userTransaction is null)
        {
            try
            {
                _implicit = async
                    ? await command.Connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                    : command.Connection!.BeginTransaction();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                return false; // a transaction EF does not know of is open on the connection
            }

            command.Transaction = _implicit;
        }

        var savepoint = Postgres && userTransaction is not null && userTransaction.SupportsSavepoints;
        var text = command.CommandText;
        try
        {
            if (savepoint)
            {
                // A failing SELECT must not abort the user's transaction.
                await SaveAsync(userTransaction!, async, cancellationToken).ConfigureAwait(false);
            }

            command.CommandText = select.ToString();
            var complete = await ReadRowsAsync(command, _before, async, cancellationToken).ConfigureAwait(false);
            command.CommandText = text;
            if (savepoint)
            {
                await ReleaseAsync(userTransaction!, async, cancellationToken).ConfigureAwait(false);
            }

            if (complete)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            command.CommandText = text;
            if (savepoint)
            {
                await RollbackToAsync(userTransaction!, async, cancellationToken).ConfigureAwait(false);
            }
        }

        // Too many rows or a failed read: the statement runs as it would have, outside any transaction CacheBot opened.
        Abort(command);
        return false;
    }

    private async ValueTask<List<WriteRecord>?> UpdatesAsync(DbCommand command, bool async, CancellationToken cancellationToken)
    {
        if (_before.Count == 0)
        {
            return [];
        }

        var keys = _columns.KeyOrdinals;
        using var select = command.Connection!.CreateCommand();
        select.Transaction = command.Transaction;
        var sql = new StringBuilder("SELECT ").Append(ColumnList()).Append(" FROM ").Append(TableName()).Append(" WHERE ");
        for (var row = 0; row < _before.Count; row++)
        {
            sql.Append(row == 0 ? "(" : " OR (");
            for (var k = 0; k < keys.Count; k++)
            {
                var name = "@cb_" + row.ToString(CultureInfo.InvariantCulture) + "_" + k.ToString(CultureInfo.InvariantCulture);
                sql.Append(k == 0 ? string.Empty : " AND ").Append(Quote(_columns.Columns[keys[k]].Name)).Append(" = ").Append(name);
                var parameter = select.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = _before[row].Raw[k] ?? DBNull.Value;
                select.Parameters.Add(parameter);
            }

            sql.Append(')');
        }

        select.CommandText = sql.ToString();
        var after = new List<(string Key, object?[] Raw, RowValues Image)>(_before.Count);
        if (!await ReadRowsAsync(select, after, async, cancellationToken).ConfigureAwait(false) || after.Count != _before.Count)
        {
            return null;
        }

        var byKey = new Dictionary<string, RowValues>(after.Count, StringComparer.Ordinal);
        foreach (var (key, _, image) in after)
        {
            byKey[key] = image;
        }

        var writes = new List<WriteRecord>(_before.Count);
        foreach (var (key, _, image) in _before)
        {
            if (!byKey.TryGetValue(key, out var current))
            {
                return null;
            }

            writes.Add(WriteRecord.ForImages(_model, image, current));
        }

        return writes;
    }

    private List<WriteRecord> Deletes()
    {
        var writes = new List<WriteRecord>(_before.Count);
        foreach (var (_, _, image) in _before)
        {
            writes.Add(WriteRecord.ForImages(_model, image, null));
            Cascades.AddForDeletedRow(_state.Model, _table, image, writes);
        }

        return writes;
    }

    /// <summary>Reads up to <see cref="MaxRows"/> rows; false when there are more.</summary>
    private async ValueTask<bool> ReadRowsAsync(DbCommand command, List<(string Key, object?[] Raw, RowValues Image)> rows, bool async, CancellationToken cancellationToken)
    {
        var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
        try
        {
            var keys = _columns.KeyOrdinals;
            while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
            {
                if (rows.Count == MaxRows)
                {
                    return false;
                }

                var raw = new object?[keys.Count];
                var key = new StringBuilder();
                for (var k = 0; k < keys.Count; k++)
                {
                    var value = reader.IsDBNull(keys[k]) ? null : reader.GetValue(keys[k]);
                    raw[k] = value;
                    key.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\u0001');
                }

                var values = new Dictionary<string, object?>(_columns.Columns.Count, StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < _columns.Columns.Count; i++)
                {
                    if (_columns.TryRead(reader, i, out var value))
                    {
                        values[_columns.Columns[i].Name] = value;
                    }
                }

                rows.Add((key.ToString(), raw, RowValues.FromDictionary(values)));
            }

            return true;
        }
        finally
        {
            if (async)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                reader.Dispose();
            }
        }
    }

    private string ColumnList() => string.Join(", ", _columns.Columns.Select(c => Quote(c.Name)));

    private string TableName() => _table.Schema is { } schema ? Quote(schema) + "." + Quote(_table.Name) : Quote(_table.Name);

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async ValueTask SaveAsync(DbTransaction transaction, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await transaction.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            transaction.Save(Savepoint);
        }
    }

    private static async ValueTask ReleaseAsync(DbTransaction transaction, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            transaction.Release(Savepoint);
        }
    }

    private static async ValueTask RollbackToAsync(DbTransaction transaction, bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (async)
            {
                await transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                transaction.Rollback(Savepoint);
            }
        }
        catch (DbException)
        {
            // The transaction is broken already; the statement will fail on its own.
        }
    }
}

using System.Data;
using System.Data.Common;
using CacheBot.Linq2Db.Writes;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// Runs catalog queries on one connection (and its transaction, so uncommitted DDL is seen): sync or async, rows read
/// into arrays, ADO objects disposed on the path they were used on.
/// </summary>
internal sealed class CatalogSession
{
    public CatalogSession(DbConnection connection, DbTransaction? transaction, bool async, CancellationToken cancellationToken)
    {
        Connection = connection;
        Transaction = transaction;
        Async = async;
        CancellationToken = cancellationToken;
    }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; }

    public bool Async { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Gets or sets whether the first query opens a savepoint (a PostgreSQL transaction may be open: a failed catalog
    /// query would otherwise abort the caller's transaction); <see cref="EndAsync"/> then releases it.
    /// </summary>
    public bool UseSavepoint { get; init; }

    private bool _savepointOpen;

    /// <summary>Releases the savepoint opened by the first query, rolling back to it first when a query failed.</summary>
    public async ValueTask EndAsync(bool failed)
    {
        if (!_savepointOpen)
        {
            return;
        }

        _savepointOpen = false;
        await ExecuteAsync(failed ? "ROLLBACK TO SAVEPOINT cachebot_catalog; RELEASE SAVEPOINT cachebot_catalog" : "RELEASE SAVEPOINT cachebot_catalog")
            .ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="sql"/> with named parameters (<c>@name</c>) and returns every row.</summary>
    public async ValueTask<List<object?[]>> QueryAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        if (UseSavepoint && !_savepointOpen)
        {
            await ExecuteAsync("SAVEPOINT cachebot_catalog").ConfigureAwait(false);
            _savepointOpen = true;
        }

        var command = Connection.CreateCommand();
        try
        {
            command.Transaction = Transaction;
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                if (value is null or string)
                {
                    parameter.DbType = DbType.String;
                }

                command.Parameters.Add(parameter);
            }

            var reader = Async ? await command.ExecuteReaderAsync(CancellationToken).ConfigureAwait(false) : command.ExecuteReader();
            try
            {
                var rows = new List<object?[]>();
                while (Async ? await reader.ReadAsync(CancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    var row = new object?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }

                    rows.Add(row);
                }

                return rows;
            }
            finally
            {
                await RowImageReader.DisposeAsync(reader, Async).ConfigureAwait(false);
            }
        }
        finally
        {
            await RowImageReader.DisposeAsync(command, Async).ConfigureAwait(false);
        }
    }

    private async ValueTask ExecuteAsync(string sql)
    {
        var command = Connection.CreateCommand();
        try
        {
            command.Transaction = Transaction;
            command.CommandText = sql;
            _ = Async ? await command.ExecuteNonQueryAsync(CancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
        }
        finally
        {
            await RowImageReader.DisposeAsync(command, Async).ConfigureAwait(false);
        }
    }
}

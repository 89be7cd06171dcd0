using System.Data.Common;
using LinqToDB.Data;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Runs a write command and reports what it changed: row images where the database can return them (SQLite and
/// PostgreSQL: pre-image SELECT with the statement's own WHERE and parameters, post-image with <c>RETURNING *</c>),
/// else a table write; SQL that names no single table invalidates the whole database.
/// </summary>
/// <remarks>
/// Images are read only when some cached query registered a scheme with columns on the table; otherwise a row write
/// without images suffices (it bumps "any row" dependencies and, should a scheme be registered before the commit
/// applies it, falls back to a table write). All reads use the command's own connection and transaction.
/// </remarks>
internal static class WriteExecution
{
    public static async ValueTask<int> RunNonQueryAsync(
        CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, SqlStatement statement, bool supportsReturning, bool async,
        CancellationToken cancellationToken)
    {
        var writes = new List<WriteRecord>();
        var database = options.DatabaseId;
        int affected;
        if (statement.Kind == SqlStatementKind.Unknown || statement.Table is null)
        {
            affected = await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false);
            writes.Add(WriteRecord.ForDatabase(database));
        }
        else
        {
            var table = TableModel.ForName(database, statement.Schema, statement.Table);
            if (statement.Kind == SqlStatementKind.TableWrite
                || (statement.Kind is (SqlStatementKind.Update or SqlStatementKind.Delete) && statement.Where is null))
            {
                // Every row changes (or an UPDATE/DELETE without WHERE): a table write, without reading the whole table back.
                affected = await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false);
                writes.Add(WriteRecord.ForTable(table));
            }
            else if (!supportsReturning || statement.HasReturning || statement.HasFrom
                || !(HasColumnSchemes(options, table) || Schema.WriteClosure.ImagesNarrowCascades(options, statement, command.CommandText)))
            {
                affected = await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false);
                writes.Add(ImagelessWrite(statement.Kind, table));
            }
            else
            {
                affected = await RunWithImagesAsync(options, command, statement, table, writes, async, cancellationToken).ConfigureAwait(false);
            }
        }

        // What else the database changed (foreign-key actions, triggers, views, inheritance), from its catalog; DDL clears it.
        await Schema.WriteClosure.AddAsync(options, command, dataConnection, statement, writes, async, cancellationToken).ConfigureAwait(false);

        WriteSink.Record(options, command, dataConnection, writes);
        return affected;
    }

    /// <summary>
    /// Runs a write that returns a scalar (PostgreSQL's <c>InsertWithIdentity</c>: <c>INSERT ... RETURNING "Id"</c>).
    /// A single returned expression is widened to <c>RETURNING "Id", *</c> so the new row's image comes back with it.
    /// </summary>
    public static async ValueTask<object?> RunScalarAsync(
        CacheBotOptionSet options, DbCommand command, DataConnection dataConnection, SqlStatement statement, bool supportsReturning, bool async,
        CancellationToken cancellationToken)
    {
        var writes = new List<WriteRecord>();
        object? scalar;
        var table = statement.Table is null ? null : TableModel.ForName(options.DatabaseId, statement.Schema, statement.Table);
        var widened = table is not null && statement.Kind == SqlStatementKind.Insert && supportsReturning && HasColumnSchemes(options, table)
            ? WidenReturning(command.CommandText)
            : null;
        if (widened is null)
        {
            scalar = async ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteScalar();
            writes.Add(table is null || statement.Kind == SqlStatementKind.Unknown
                ? WriteRecord.ForDatabase(options.DatabaseId)
                : statement.Kind == SqlStatementKind.TableWrite ? WriteRecord.ForTable(table) : ImagelessWrite(statement.Kind, table));
        }
        else
        {
            var original = command.CommandText;
            command.CommandText = widened;
            try
            {
                var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
                try
                {
                    var hasRow = async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read();
                    scalar = hasRow && !reader.IsDBNull(0) ? reader.GetValue(0) : null;
                    var first = hasRow ? RowImageReader.ImageOf(reader, 1) : null;
                    var (rest, _) = await RowImageReader.ReadAllAsync(reader, 1, async, cancellationToken).ConfigureAwait(false);
                    if (rest is null)
                    {
                        writes.Add(WriteRecord.ForTable(table!));
                    }
                    else
                    {
                        if (first is not null)
                        {
                            writes.Add(WriteRecord.ForImages(table!, null, first));
                        }

                        foreach (var row in rest)
                        {
                            writes.Add(WriteRecord.ForImages(table!, null, row));
                        }
                    }
                }
                finally
                {
                    await RowImageReader.DisposeAsync(reader, async).ConfigureAwait(false);
                }
            }
            finally
            {
                command.CommandText = original;
            }
        }

        await Schema.WriteClosure.AddAsync(options, command, dataConnection, statement, writes, async, cancellationToken).ConfigureAwait(false);
        WriteSink.Record(options, command, dataConnection, writes);
        return scalar;
    }

    /// <summary>Turns a trailing <c>RETURNING expr</c> (one expression) into <c>RETURNING expr, *</c>; null when the shape differs.</summary>
    private static string? WidenReturning(string sql)
    {
        var words = Scanner.TopLevelWords(sql);
        var returning = Scanner.IndexOfWord(words, "RETURNING");
        if (returning < 0 || returning != words.Count - 1 && words.Count - returning > 2)
        {
            return null;
        }

        var tail = sql[words[returning].End..].TrimEnd().TrimEnd(';');
        return tail.Contains(',', StringComparison.Ordinal) || tail.Length == 0 ? null : sql[..words[returning].End] + tail + ", *";
    }

    /// <summary>
    /// Whether every row the UPDATE returned was in its pre-image. Without a transaction, another writer may move a
    /// row into the WHERE between the SELECT and the UPDATE; that row's old values are unknown, so the write must
    /// become a table write. Rows are matched by primary key (known from the schemes' table model), else by count.
    /// </summary>
    private static bool Covers(List<RowValues> before, List<RowValues> returned, CacheBotOptionSet options, TableModel table)
    {
        IReadOnlyList<ColumnModel> key = [];
        foreach (var scheme in options.Cache!.Schemes.GetSchemes(table))
        {
            if (scheme.Table.PrimaryKey.Count > 0)
            {
                key = scheme.Table.PrimaryKey;
                break;
            }
        }

        if (key.Count == 0)
        {
            return returned.Count <= before.Count;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in before)
        {
            known.Add(KeyOf(row, key));
        }

        foreach (var row in returned)
        {
            if (!known.Contains(KeyOf(row, key)))
            {
                return false;
            }
        }

        return true;
    }

    private static string KeyOf(RowValues row, IReadOnlyList<ColumnModel> key)
    {
        var parts = new string[key.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = row.TryGet(key[i].Name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "\0" : "\u0001";
        }

        return string.Join("\u0002", parts);
    }

    private static async ValueTask<int> RunWithImagesAsync(
        CacheBotOptionSet options, DbCommand command, SqlStatement statement, TableModel table, List<WriteRecord> writes, bool async,
        CancellationToken cancellationToken)
    {
        List<RowValues>? before = null;
        if (statement.Kind == SqlStatementKind.Update)
        {
            var select = "SELECT * FROM " + statement.TableClause + (statement.Where is null ? string.Empty : " WHERE " + statement.Where);
            var preImage = RowImageReader.CreateSibling(command, select);
            try
            {
                (before, _) = await RowImageReader.ExecuteAndReadAllAsync(preImage, async, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await RowImageReader.DisposeAsync(preImage, async).ConfigureAwait(false);
            }
        }

        var original = command.CommandText;
        command.CommandText = original.TrimEnd().TrimEnd(';') + " RETURNING *";
        List<RowValues>? returned;
        int count;
        try
        {
            (returned, count) = await RowImageReader.ExecuteAndReadAllAsync(command, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            command.CommandText = original;
        }

        if (returned is null || (statement.Kind == SqlStatementKind.Update && (before is null || !Covers(before, returned, options, table))))
        {
            writes.Add(WriteRecord.ForTable(table));
            return count;
        }

        foreach (var row in before ?? [])
        {
            writes.Add(WriteRecord.ForImages(table, row, null));
        }

        foreach (var row in returned)
        {
            writes.Add(statement.Kind == SqlStatementKind.Delete ? WriteRecord.ForImages(table, row, null) : WriteRecord.ForImages(table, null, row));
        }

        return count;
    }

    private static WriteRecord ImagelessWrite(SqlStatementKind kind, TableModel table) => kind switch
    {
        SqlStatementKind.Insert => WriteRecord.ForImages(table, null, RowValues.Unknown),
        SqlStatementKind.Delete => WriteRecord.ForImages(table, RowValues.Unknown, null),
        _ => WriteRecord.ForImages(table, RowValues.Unknown, RowValues.Unknown),
    };

    private static bool HasColumnSchemes(CacheBotOptionSet options, TableModel table)
    {
        foreach (var scheme in options.Cache!.Schemes.GetSchemes(table))
        {
            if (!scheme.IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    private static async ValueTask<int> ExecuteAsync(DbCommand command, bool async, CancellationToken cancellationToken) =>
        async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
}

using System.Data.Common;
using System.Globalization;
using System.Runtime.ExceptionServices;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// UPDATE and upsert images: the pre-image and the write run atomically, so the old images recorded are exactly the rows
/// the write replaced.
/// </summary>
/// <remarks>
/// <para>Outside a database transaction CacheBot opens its own around the pair (PostgreSQL <c>BEGIN</c> ... <c>COMMIT</c>,
/// sent in the same round trips as the pre-image and the write; SQLite <c>BEGIN IMMEDIATE</c>, which keeps every other
/// writer out) and commits it; inside one (API, SQL text, or an
/// enlisted <c>TransactionScope</c>, asked of the database when CacheBot cannot tell) it uses the caller's. PostgreSQL
/// locks the pre-image rows (<c>SELECT ... FOR UPDATE</c>): under READ COMMITTED the UPDATE would otherwise re-read rows
/// changed after the pre-image. In the caller's PostgreSQL transaction the pre-image runs under a savepoint, so a pre-image
/// the database rejects (a view, a privilege) never aborts it; in CacheBot's own, a rejected pre-image rolls that
/// transaction back. Either way the write then runs without images.</para>
/// <para>Rows the write returns that were not in the pre-image (moved into the WHERE by a concurrent writer, or an upsert
/// that PostgreSQL reports as an update of a row the pre-image did not hold: <c>xmax &lt;&gt; 0</c>) make it a table write.</para>
/// </remarks>
internal static partial class WriteExecution
{
    private const string PreImageSavepoint = "cachebot_pre";

    /// <summary>PostgreSQL's SQLSTATE for a statement sent in a transaction that already failed.</summary>
    private const string InFailedTransaction = "25P02";

    /// <summary>Test hook: runs between the pre-image and the write, on the writing flow only.</summary>
    internal static readonly AsyncLocal<Action?> AfterPreImage = new();

    /// <summary>Test hook: runs after each returned row of an imaged UPDATE or upsert is read (a fault here is CacheBot's own).</summary>
    internal static readonly AsyncLocal<Action?> AfterReturnedRow = new();

    private static async ValueTask<object?> RunUpdateAsync(
        WriteContext context, SqlStatement statement, TableModel table, WriteOutcome outcome, bool async, CancellationToken cancellationToken)
    {
        // UPDATE t SET ... FROM list WHERE ...: the pre-image joins the same list and returns the target's columns only (and
        // locks only the target's rows); PostgreSQL's RETURNING * would also return the list's columns.
        var joined = statement.FromClause is not null;
        var select = joined
            ? statement.WithClause + " SELECT " + statement.TargetQualifier + ".* FROM " + statement.TableClause + ", " + statement.FromClause + " WHERE " + statement.Where
            : statement.WithClause + " SELECT * FROM " + statement.TableClause + " WHERE " + statement.Where;
        var postgres = context.Dialect == SqlDialect.PostgreSql;
        var returning = joined && postgres ? " RETURNING " + statement.TargetQualifier + ".*" : " RETURNING *";
        var lockOf = joined ? " OF " + statement.TargetQualifier : string.Empty;
        var result = await RunAtomicAsync(context, statement, select, returning, inserted: false, outcome, async, cancellationToken, lockOf).ConfigureAwait(false);
        var writes = new List<WriteRecord>();
        if (result.Before is null)
        {
            writes.Add(ImagelessWrite(SqlStatementKind.Update, table));
        }
        else if (result.Returned is null || !TryAddUpdatedRows(writes, table, result.Before, result.Returned, context.Options))
        {
            writes.Clear();
            writes.Add(WriteRecord.ForTable(table));
        }

        await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
        context.Record(writes);
        return result.Count;
    }

    /// <summary>
    /// An UPDATE's row writes, when every row it returned was in its pre-image (a row moved into the WHERE by another writer
    /// has unknown old values: false). Rows are matched by primary key (known from the schemes' table model), else by count.
    /// Each returned row is paired with its pre-image (one write holding both images, so the cache can tell which columns
    /// changed); every other row is a write of its own, and nothing is paired when two pre-image rows share a key.
    /// </summary>
    private static bool TryAddUpdatedRows(List<WriteRecord> writes, TableModel table, List<RowValues> before, List<(RowValues Row, bool? Inserted)> returned, CacheBotOptionSet options)
    {
        var key = options.Cache!.KnownPrimaryKey(table);
        if (key.Count == 0)
        {
            if (returned.Count > before.Count)
            {
                return false;
            }

            foreach (var row in before)
            {
                writes.Add(WriteRecord.ForImages(table, row, null));
            }

            foreach (var (row, _) in returned)
            {
                writes.Add(WriteRecord.ForImages(table, null, row));
            }

            return true;
        }

        var names = new string[key.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = key[i].Name;
        }

        var byKey = new Dictionary<string, RowValues>(StringComparer.Ordinal);
        var pairable = true;
        foreach (var row in before)
        {
            if (KeyOf(row, names) is not { } rowKey)
            {
                return false;
            }

            if (!byKey.TryAdd(rowKey, row))
            {
                pairable = false;
                writes.Add(WriteRecord.ForImages(table, row, null));
            }
        }

        var returnedKeys = new string[returned.Count];
        for (var i = 0; i < returned.Count; i++)
        {
            if (KeyOf(returned[i].Row, names) is not { } rowKey || !byKey.ContainsKey(rowKey))
            {
                return false;
            }

            returnedKeys[i] = rowKey;
        }

        for (var i = 0; i < returned.Count; i++)
        {
            var row = returned[i].Row;
            writes.Add(pairable && byKey.Remove(returnedKeys[i], out var old) ? WriteRecord.ForImages(table, old, row) : WriteRecord.ForImages(table, null, row));
        }

        foreach (var row in byKey.Values)
        {
            writes.Add(WriteRecord.ForImages(table, row, null));
        }

        return true;
    }

    private static async ValueTask<object?> RunUpsertAsync(
        WriteContext context, SqlStatement statement, TableModel table, WriteOutcome outcome, bool async, CancellationToken cancellationToken)
    {
        var shape = statement.Upsert!;
        var where = new System.Text.StringBuilder();
        foreach (var row in shape.KeyValues)
        {
            where.Append(where.Length == 0 ? "(" : " OR (");
            for (var k = 0; k < shape.KeyColumnsSql.Count; k++)
            {
                where.Append(k == 0 ? string.Empty : " AND ").Append(shape.KeyColumnsSql[k]).Append(" = ").Append(row[k]);
            }

            where.Append(')');
        }

        var postgres = context.Dialect == SqlDialect.PostgreSql;
        var select = statement.WithClause + " SELECT * FROM " + shape.TargetSql + " WHERE " + where;
        var returning = postgres ? " RETURNING (xmax = 0) AS cachebot_inserted, *" : " RETURNING *";
        var result = await RunAtomicAsync(context, statement, select, returning, inserted: postgres, outcome, async, cancellationToken).ConfigureAwait(false);
        var writes = new List<WriteRecord>();
        if (result.Before is null || result.Returned is null)
        {
            writes.Add(result.Before is null ? ImagelessWrite(SqlStatementKind.Upsert, table) : WriteRecord.ForTable(table));
        }
        else
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            var exact = true;
            foreach (var row in result.Before)
            {
                exact &= KeyOf(row, shape.KeyNames) is { } key && known.Add(key);
                writes.Add(WriteRecord.ForImages(table, row, null));
            }

            foreach (var (row, inserted) in result.Returned)
            {
                // A returned row is an update of a pre-image row (same key), else an insert: SQLite's IMMEDIATE transaction
                // admits no other writer; PostgreSQL says which (xmax = 0 for a row this statement inserted).
                exact &= KeyOf(row, shape.KeyNames) is { } key && (known.Contains(key) || inserted != false);
                writes.Add(WriteRecord.ForImages(table, null, row));
            }

            if (!exact)
            {
                writes.Clear();
                writes.Add(WriteRecord.ForTable(table));
            }
        }

        await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
        context.Record(writes);
        return result.Count;
    }

    /// <summary>
    /// Reads the pre-image with <paramref name="select"/> and runs the command with <paramref name="returning"/>, atomically.
    /// <c>Before</c> is null when no pre-image could be read (the command then ran as written); <c>Returned</c> is null above
    /// <see cref="RowImageReader.MaxRows"/> rows.
    /// </summary>
    private static async ValueTask<AtomicResult> RunAtomicAsync(
        WriteContext context, SqlStatement statement, string select, string returning, bool inserted, WriteOutcome outcome, bool async,
        CancellationToken cancellationToken, string lockOf = "")
    {
        var command = context.Command;
        var postgres = context.Dialect == SqlDialect.PostgreSql;
        bool? inTransaction = context.Connection is { } connection
            ? await connection.Transactions.InDatabaseTransactionAsync(async, cancellationToken).ConfigureAwait(false)
            : context.DataConnection.Transaction is null && System.Transactions.Transaction.Current is null ? false : null;
        if (inTransaction is null)
        {
            // Neither CacheBot nor the database can say whether the pair would be atomic: no images.
            return new AtomicResult(null, null, await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false));
        }

        var own = inTransaction == false;

        // PostgreSQL: CacheBot's own transaction rides on its two statements (BEGIN; SELECT ... FOR UPDATE, then UPDATE ...
        // RETURNING *; COMMIT), two round trips in all. A statement the server refuses skips the rest of its batch.
        var pipelined = own && postgres;
        var commitPipelined = false;
        var begun = false;
        try
        {
            if (own && !pipelined)
            {
                try
                {
                    await RowImageReader.ExecuteSiblingAsync(command, "BEGIN IMMEDIATE", async, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    outcome.NothingWritten = true;
                    throw;
                }
            }

            begun = own;

            // A savepoint keeps a rejected pre-image from aborting the caller's transaction; CacheBot's own needs none: a
            // rejected pre-image rolls it back, and the write then runs alone, without images.
            var preImage = postgres ? select + " FOR UPDATE" + lockOf : select;
            var (before, rejection) = await ReadPreImageAsync(
                command, pipelined ? "BEGIN; " + preImage : preImage, savepoint: postgres && !own, async, cancellationToken).ConfigureAwait(false);
            if (rejection is not null && pipelined)
            {
                begun = false;
                outcome.NothingWritten = true;
                if (rejection.SqlState == InFailedTransaction)
                {
                    // BEGIN itself failed: the connection was in a failed transaction CacheBot did not know of. Nothing ran;
                    // the caller's statement would have failed the same way.
                    ExceptionDispatchInfo.Throw(rejection);
                }

                await RowImageReader.ExecuteSiblingAsync(command, "ROLLBACK", async, cancellationToken).ConfigureAwait(false);
                outcome.NothingWritten = false;
                return new AtomicResult(null, null, await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false));
            }

            AfterPreImage.Value?.Invoke();
            AtomicResult result;
            if (before is null)
            {
                result = new AtomicResult(null, null, await ExecuteAsync(command, async, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                commitPipelined = pipelined;
                var (rows, count) = await ExecuteReturningFlaggedAsync(
                    command, statement, commitPipelined ? returning + "; COMMIT" : returning, inserted, async, cancellationToken).ConfigureAwait(false);
                result = new AtomicResult(before, rows, count);
            }

            if (own)
            {
                begun = false;
                if (!commitPipelined)
                {
                    await RowImageReader.ExecuteSiblingAsync(command, "COMMIT", async, cancellationToken).ConfigureAwait(false);
                }
            }

            return result;
        }
        catch (Exception exception) when (begun)
        {
            // A pipelined COMMIT runs when its reader is disposed, even after a failure of CacheBot's own reading: only the
            // server's refusal (of the write or of the COMMIT, which ends the transaction) proves that nothing was written.
            var rolledBack = await TryExecuteSiblingAsync(command, "ROLLBACK", async, cancellationToken).ConfigureAwait(false);
            outcome.NothingWritten = rolledBack && (!commitPipelined || exception is DbException { SqlState: not null });
            throw;
        }
    }

    /// <summary>
    /// Runs the pre-image query; null rows when it returns more than <see cref="RowImageReader.MaxRows"/> rows or the
    /// database rejects it (then the <c>Rejection</c>; under a <paramref name="savepoint"/>, rolled back to it so the
    /// transaction stays usable).
    /// </summary>
    private static async ValueTask<(List<RowValues>? Rows, DbException? Rejection)> ReadPreImageAsync(
        DbCommand command, string select, bool savepoint, bool async, CancellationToken cancellationToken)
    {
        if (savepoint)
        {
            // Fails only when the transaction already failed, or with an error Npgsql deferred from the caller's last call
            // (a savepoint it pipelines): the caller's own statement would have failed with it, so let it surface.
            await RowImageReader.ExecuteSiblingAsync(command, "SAVEPOINT " + PreImageSavepoint, async, cancellationToken).ConfigureAwait(false);
        }

        List<RowValues>? rows;
        try
        {
            (rows, _) = await SiblingCommands.WithParametersAsync(command, select, query => RowImageReader.ExecuteAndReadAllAsync(query, async, cancellationToken)).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            if (savepoint)
            {
                await TryExecuteSiblingAsync(command, "ROLLBACK TO SAVEPOINT " + PreImageSavepoint, async, cancellationToken).ConfigureAwait(false);
                await TryExecuteSiblingAsync(command, "RELEASE SAVEPOINT " + PreImageSavepoint, async, cancellationToken).ConfigureAwait(false);
            }

            return (null, exception);
        }

        if (savepoint)
        {
            await RowImageReader.ExecuteSiblingAsync(command, "RELEASE SAVEPOINT " + PreImageSavepoint, async, cancellationToken).ConfigureAwait(false);
        }

        return (rows, null);
    }

    /// <summary>Runs the command with RETURNING and reads each row's image, after a leading boolean "inserted" column when asked.</summary>
    private static async ValueTask<(List<(RowValues Row, bool? Inserted)>? Rows, int Count)> ExecuteReturningFlaggedAsync(
        DbCommand command, SqlStatement statement, string returning, bool inserted, bool async, CancellationToken cancellationToken)
    {
        return await RowImageReader.ExecuteVariantAsync(command, statement.TextEnd, returning, ReadFlaggedAsync, async, cancellationToken).ConfigureAwait(false);

        async ValueTask<(List<(RowValues Row, bool? Inserted)>? Rows, int Count)> ReadFlaggedAsync(DbDataReader reader, bool isAsync, CancellationToken token)
        {
            var rows = new List<(RowValues, bool?)>();
            var count = 0;
            var skip = inserted ? 1 : 0;
            RowLayout? layout = null;
            while (isAsync ? await reader.ReadAsync(token).ConfigureAwait(false) : reader.Read())
            {
                if (++count <= RowImageReader.MaxRows)
                {
                    layout ??= RowImageReader.LayoutOf(reader, skip);
                    rows.Add((RowImageReader.ImageOf(reader, skip, layout), inserted ? !reader.IsDBNull(0) && reader.GetBoolean(0) : null));
                    AfterReturnedRow.Value?.Invoke();
                }
            }

            return (count > RowImageReader.MaxRows ? null : rows, count);
        }
    }

    private static async ValueTask<bool> TryExecuteSiblingAsync(DbCommand command, string sql, bool async, CancellationToken cancellationToken)
    {
        try
        {
            await RowImageReader.ExecuteSiblingAsync(command, sql, async, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The row's values of <paramref name="key"/> as one exact string; null when the image lacks one of them.</summary>
    private static string? KeyOf(RowValues row, IReadOnlyList<string> key)
    {
        var parts = new string[key.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!row.TryGet(key[i], out var value))
            {
                return null;
            }

            parts[i] = value switch
            {
                null => "\0",
                byte[] bytes => "x" + Convert.ToHexString(bytes),
                DateTime date => "d" + date.Ticks.ToString(CultureInfo.InvariantCulture),
                DateTimeOffset offset => "o" + offset.UtcTicks.ToString(CultureInfo.InvariantCulture),
                IFormattable formattable => value.GetType().Name + ":" + formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.GetType().Name + ":" + value,
            };
        }

        return string.Join("\u0002", parts);
    }

    private readonly record struct AtomicResult(List<RowValues>? Before, List<(RowValues Row, bool? Inserted)>? Returned, int Count);
}

using System.Data.Common;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// Runs a single INSERT / UPDATE / DELETE / upsert and reports what it changed as row images where the database can
/// return them (SQLite and PostgreSQL): new rows with <c>RETURNING *</c> (inserted before any trailing comment), old rows of
/// a DELETE with <c>RETURNING *</c>, and for an UPDATE or an upsert a pre-image read atomically with the write (see
/// <c>WriteExecution.Atomic.cs</c>). Statements it cannot image become table writes; see also <see cref="CoarseWritesAsync"/>.
/// </summary>
/// <remarks>
/// Images are read only when some cached query registered a scheme with columns on the table; otherwise a row write
/// without images suffices (it bumps "any row" dependencies and, should a scheme be registered before the commit
/// applies it, falls back to a table write). All reads use the command's own connection and transaction. A statement
/// that throws is reported to the caller through <see cref="WriteOutcome"/>: whether it certainly wrote nothing.
/// </remarks>
internal static partial class WriteExecution
{
    public static bool CanReadImages(WriteContext context, SqlStatement statement, CommandKind kind)
    {
        if (!context.SupportsReturning || statement.Table is null || statement.Tables.Count != 1)
        {
            return false;
        }

        return statement.Kind switch
        {
            SqlStatementKind.Insert => kind == CommandKind.Scalar ? statement.HasReturning : !statement.HasReturning,
            SqlStatementKind.Update => kind == CommandKind.NonQuery && !statement.HasReturning && statement.Where is not null
                && (!statement.HasFrom || statement.FromClause is not null && statement.TargetQualifier is not null),
            SqlStatementKind.Delete =>
                kind == CommandKind.NonQuery && !statement.HasReturning && !statement.HasFrom && statement.Where is not null,
            SqlStatementKind.Upsert => kind == CommandKind.NonQuery && !statement.HasReturning && statement.Upsert is not null,
            _ => false,
        };
    }

    public static async ValueTask<object?> RunAsync(CommandKind kind, WriteContext context, SqlStatement statement, bool async, CancellationToken cancellationToken)
    {
        var outcome = new WriteOutcome();
        try
        {
            return await RunImagedAsync(kind, context, statement, outcome, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!outcome.NothingWritten)
        {
            context.Record(FailureWrites(context, statement));
            if (context.Connection?.Transactions is { } tracker)
            {
                try
                {
                    await tracker.ReconcileAsync(async, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is DbException or InvalidOperationException)
                {
                    // The state stays as inferred.
                }
            }

            throw;
        }
    }

    /// <summary>
    /// What a statement that threw may have written: its table for an INSERT into a table the catalog already knows fires
    /// nothing else (no trigger, no view over it), else the whole database.
    /// </summary>
    public static List<WriteRecord> FailureWrites(WriteContext context, SqlStatement statement) =>
        statement.Kind == SqlStatementKind.Insert && statement.Table is { } table && Schema.WriteClosure.IsSelfContained(context.Options, statement.Tables[0])
            ? [WriteRecord.ForTable(TableModel.ForName(context.Options.DatabaseId, statement.Schema, table))]
            : [WriteRecord.ForDatabase(context.Options.DatabaseId)];

    /// <summary>
    /// The writes of a statement without images: a row write with unknown rows for a single-table INSERT, UPDATE or DELETE
    /// with a WHERE, a table write of each named table otherwise, the whole database for a write of unknown extent; plus the
    /// tables whose rows foreign-key actions change.
    /// </summary>
    public static async ValueTask<List<WriteRecord>> CoarseWritesAsync(WriteContext context, SqlStatement statement, bool async, CancellationToken cancellationToken)
    {
        var writes = new List<WriteRecord>();
        var database = context.Options.DatabaseId;
        if (statement.Kind is SqlStatementKind.DatabaseWrite or SqlStatementKind.CommitPrepared)
        {
            writes.Add(WriteRecord.ForDatabase(database));
            return writes;
        }

        if (!statement.IsWrite)
        {
            return writes;
        }

        if (statement.Kind is SqlStatementKind.Insert or SqlStatementKind.Update or SqlStatementKind.Delete && statement.Tables.Count == 1
            && (statement.Kind == SqlStatementKind.Insert || statement.Where is not null))
        {
            writes.Add(ImagelessWrite(statement.Kind, TableModel.ForName(database, statement.Schema, statement.Table!)));
        }
        else
        {
            foreach (var name in statement.Tables)
            {
                writes.Add(WriteRecord.ForTable(TableModel.ForName(database, name.Schema, name.Name)));
            }
        }

        await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
        return writes;
    }

    private static async ValueTask<object?> RunImagedAsync(
        CommandKind kind, WriteContext context, SqlStatement statement, WriteOutcome outcome, bool async, CancellationToken cancellationToken)
    {
        var table = TableModel.ForName(context.Options.DatabaseId, statement.Schema, statement.Table!);
        if (!HasColumnSchemes(context.Options, table) && !Schema.WriteClosure.ImagesNarrowCascades(context.Options, statement))
        {
            // No cached query constrains a column of this table: an image-less row write invalidates everything that matters.
            object? result = kind == CommandKind.Scalar
                ? async ? await context.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) : context.Command.ExecuteScalar()
                : await ExecuteAsync(context.Command, async, cancellationToken).ConfigureAwait(false);
            var writes = new List<WriteRecord> { ImagelessWrite(statement.Kind, table) };
            await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
            context.Record(writes);
            return result;
        }

        return statement.Kind switch
        {
            SqlStatementKind.Insert when kind == CommandKind.Scalar => await RunScalarAsync(context, statement, table, async, cancellationToken).ConfigureAwait(false),
            SqlStatementKind.Insert or SqlStatementKind.Delete => await RunReturningAsync(context, statement, table, async, cancellationToken).ConfigureAwait(false),
            SqlStatementKind.Update => await RunUpdateAsync(context, statement, table, outcome, async, cancellationToken).ConfigureAwait(false),
            _ => await RunUpsertAsync(context, statement, table, outcome, async, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>INSERT or DELETE with <c>RETURNING *</c>: the rows it returns are exactly the rows it wrote.</summary>
    private static async ValueTask<object?> RunReturningAsync(WriteContext context, SqlStatement statement, TableModel table, bool async, CancellationToken cancellationToken)
    {
        var (rows, count) = await ExecuteReturningAsync(context.Command, statement, " RETURNING *", async, cancellationToken).ConfigureAwait(false);
        var writes = new List<WriteRecord>();
        if (rows is null)
        {
            writes.Add(WriteRecord.ForTable(table));
        }
        else
        {
            foreach (var row in rows)
            {
                writes.Add(statement.Kind == SqlStatementKind.Delete ? WriteRecord.ForImages(table, row, null) : WriteRecord.ForImages(table, null, row));
            }
        }

        await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
        context.Record(writes);
        return count;
    }

    /// <summary>
    /// Runs a write that returns a scalar (PostgreSQL's <c>InsertWithIdentity</c>: <c>INSERT ... RETURNING "Id"</c>).
    /// A single returned expression is widened to <c>RETURNING "Id", *</c> so the new row's image comes back with it.
    /// </summary>
    private static async ValueTask<object?> RunScalarAsync(WriteContext context, SqlStatement statement, TableModel table, bool async, CancellationToken cancellationToken)
    {
        var command = context.Command;
        var writes = new List<WriteRecord>();
        object? scalar;
        if (!CanWidenReturning(command.CommandText, statement, context.Dialect))
        {
            scalar = async ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteScalar();
            writes.Add(ImagelessWrite(statement.Kind, table));
            await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
            context.Record(writes);
            return scalar;
        }

        (scalar, var rows) = await RowImageReader.ExecuteVariantAsync(command, statement.TextEnd, ", *", ReadScalarAndImagesAsync, async, cancellationToken).ConfigureAwait(false);
        if (rows is null)
        {
            writes.Add(WriteRecord.ForTable(table));
        }
        else
        {
            foreach (var row in rows)
            {
                writes.Add(WriteRecord.ForImages(table, null, row));
            }
        }

        await AddCascadesAsync(context, statement, writes, async, cancellationToken).ConfigureAwait(false);
        context.Record(writes);
        return scalar;
    }

    /// <summary>Reads the scalar (first column of the first row) and every row's image after it; null images above the bound.</summary>
    private static async ValueTask<(object? Scalar, List<RowValues>? Rows)> ReadScalarAndImagesAsync(DbDataReader reader, bool async, CancellationToken cancellationToken)
    {
        var hasRow = async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read();
        var scalar = hasRow && !reader.IsDBNull(0) ? reader.GetValue(0) : null;
        var layout = hasRow ? RowImageReader.LayoutOf(reader, 1) : null;
        var first = layout is null ? null : RowImageReader.ImageOf(reader, 1, layout);
        var (rest, _) = await RowImageReader.ReadAllAsync(reader, 1, async, cancellationToken, layout).ConfigureAwait(false);
        if (rest is not null && first is not null)
        {
            rest.Insert(0, first);
        }

        return (scalar, rest);
    }

    /// <summary>Whether the statement's own <c>RETURNING expr</c> is one expression (then <c>, *</c> after it returns the row too).</summary>
    private static bool CanWidenReturning(string text, SqlStatement statement, SqlDialect dialect)
    {
        var sql = SqlTokenizer.Tokenize(text, dialect);
        var returning = -1;
        var last = -1;
        for (var i = 0; i < sql.Count && sql[i].Start < statement.TextEnd; i++)
        {
            last = i;
            if (sql[i].Depth == 0 && sql.IsWord(i, "RETURNING"))
            {
                returning = i;
            }
            else if (returning >= 0 && sql[i].Depth == 0 && sql[i].Kind == SqlTokenKind.Comma)
            {
                return false;
            }
        }

        return returning >= 0 && last != returning;
    }

    /// <summary>Runs <paramref name="command"/> with <paramref name="returning"/> inserted after its last token, and reads every returned row.</summary>
    private static ValueTask<(List<RowValues>? Rows, int Count)> ExecuteReturningAsync(
        DbCommand command, SqlStatement statement, string returning, bool async, CancellationToken cancellationToken) =>
        RowImageReader.ExecuteVariantAsync(command, statement.TextEnd, returning, static (reader, async, token) => RowImageReader.ReadAllAsync(reader, 0, async, token), async, cancellationToken);

    /// <summary>
    /// What else the database changes with the statement, from its catalog (<see cref="Schema.WriteClosure"/>): rows of
    /// child tables through foreign-key actions, tables written by triggers, views over the written tables.
    /// </summary>
    private static ValueTask AddCascadesAsync(WriteContext context, SqlStatement statement, List<WriteRecord> writes, bool async, CancellationToken cancellationToken) =>
        Schema.WriteClosure.AddAsync(context, statement, writes, async, cancellationToken);

    private static WriteRecord ImagelessWrite(SqlStatementKind kind, TableModel table) => kind switch
    {
        SqlStatementKind.Insert => WriteRecord.ForImages(table, null, RowValues.Unknown),
        SqlStatementKind.Delete => WriteRecord.ForImages(table, RowValues.Unknown, null),
        _ => WriteRecord.ForImages(table, RowValues.Unknown, RowValues.Unknown),
    };

    private static bool HasColumnSchemes(CacheBotOptionSet options, TableModel table) => options.Cache!.NeedsRowImages(table);

    private static async ValueTask<int> ExecuteAsync(DbCommand command, bool async, CancellationToken cancellationToken) =>
        async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();

    /// <summary>Whether a statement that threw certainly wrote nothing (CacheBot's own transaction around it rolled back).</summary>
    private sealed class WriteOutcome
    {
        public bool NothingWritten { get; set; }
    }
}

using System.Data.Common;
using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Transactions;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// Sees every command the context sends except those of <c>SaveChanges</c> (handled with entity images by
/// <see cref="CacheBotSaveChangesInterceptor"/>) and classifies it with the core's SQL classifier (<see cref="CommandWrites"/>):
/// reads write nothing, statements that name their tables write those tables, an UPDATE or DELETE run as a non-query
/// (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, <c>ExecuteSql</c>) writes the rows it changes (<see cref="RowImageRead"/>),
/// migrations and anything the classifier cannot prove write the whole database.
/// </summary>
/// <remarks>
/// Writes are announced before the command runs and applied after it (or after the transaction's commit). A command that
/// fails may still have written: it is applied anyway (as a table write when its images were being read). One per context
/// (scoped); commands are correlated by id.
/// </remarks>
internal sealed class CacheBotCommandInterceptor(CacheBotContextState state) : DbCommandInterceptor
{
    private readonly Dictionary<Guid, InFlight> _inFlight = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, nonQuery: false, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, nonQuery: false, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        SyncPath.Wait(AfterAsync(command, eventData, null, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(command, eventData, null, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, nonQuery: true, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, nonQuery: true, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        SyncPath.Wait(AfterAsync(command, eventData, result, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(command, eventData, result, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, nonQuery: false, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, nonQuery: false, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        SyncPath.Wait(AfterAsync(command, eventData, null, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(command, eventData, null, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        SyncPath.Wait(AfterAsync(command, eventData, null, async: false, CancellationToken.None));

    public override async Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await AfterAsync(command, eventData, null, async: true, cancellationToken).ConfigureAwait(false);

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) =>
        SyncPath.Wait(AfterAsync(command, eventData, null, async: false, CancellationToken.None));

    public override async Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default) =>
        await AfterAsync(command, eventData, null, async: true, CancellationToken.None).ConfigureAwait(false);

    private async ValueTask BeforeAsync(DbCommand command, CommandEventData eventData, bool nonQuery, bool async, CancellationToken cancellationToken)
    {
        if (eventData.CommandSource == CommandSource.SaveChanges)
        {
            return;
        }

        if (eventData.CommandSource == CommandSource.LinqQuery)
        {
            state.EnsureProvenanceTracking();
        }

        var result = CommandWrites.Classify(state, command.CommandText, eventData.CommandSource);
        if (result.Writes.Count == 0)
        {
            return;
        }

        if (result.TransactionControl)
        {
            // Raw transaction control: EF's transaction events do not see it. Reads bypass until a raw COMMIT/ROLLBACK.
            state.RawTransaction = !result.EndsRawTransaction;
        }

        RowImageRead? images = null;
        if (nonQuery && result.ImageCandidate is { } statement && result.ImageTable is { } table)
        {
            images = await RowImageRead.TryBeginAsync(state, command, statement, table, async, cancellationToken).ConfigureAwait(false);
        }

        CacheCommit? commit;
        try
        {
            commit = await WriteRouter.BeginAsync(state, result.Writes, async, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            images?.Abort(command);
            throw;
        }

        _inFlight[eventData.CommandId] = new(commit, result.Writes, images, result.TransactionControl, result.ChangesSchema);
    }

    private async ValueTask AfterAsync(DbCommand command, CommandEndEventData eventData, int? rowsAffected, bool async, CancellationToken cancellationToken)
    {
        if (!_inFlight.Remove(eventData.CommandId, out var entry))
        {
            return;
        }

        var writes = entry.Writes;
        try
        {
            if (entry.Images is { } images)
            {
                if (rowsAffected is { } count)
                {
                    writes = await images.CompleteAsync(command, count, async, cancellationToken).ConfigureAwait(false) ?? writes;
                }
                else
                {
                    images.Abort(command);
                }
            }
        }
        finally
        {
            if (entry.ChangesSchema)
            {
                state.SchemaChanged();
            }

            if (entry.TransactionControl && state.Context.Database.CurrentTransaction is not null)
            {
                // A raw COMMIT, ROLLBACK or RELEASE inside EF's transaction may have committed its pending writes: apply them now
                // (again at EF's commit, which only invalidates more).
                WriteRouter.ApplyNow(state, [.. state.Pending.Snapshot(), .. writes]);
            }

            await WriteRouter.RecordAsync(state, entry.Commit, writes, async, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record InFlight(CacheCommit? Commit, List<WriteRecord> Writes, RowImageRead? Images, bool TransactionControl, bool ChangesSchema);
}

using System.Data.Common;
using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Transactions;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// Sees every command the context sends except those of <c>SaveChanges</c> (handled with entity images by
/// <see cref="CacheBotSaveChangesInterceptor"/>): <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> write their target table (and the
/// tables that cascade from it), migrations and <c>EnsureCreated</c> write the whole database, and any other SQL
/// (<c>ExecuteSql*</c>, <c>FromSql</c>, <c>SqlQuery</c>) that is not provably a read writes the whole database.
/// </summary>
/// <remarks>
/// Writes are announced before the command runs and applied after it (or after the transaction's commit). A command that
/// fails may still have written: it is applied anyway. One per context (scoped); commands are correlated by id.
/// </remarks>
internal sealed class CacheBotCommandInterceptor(CacheBotContextState state) : DbCommandInterceptor
{
    private readonly Dictionary<Guid, (CacheCommit? Commit, List<WriteRecord> Writes)> _inFlight = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        SyncPath.Wait(AfterAsync(eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        SyncPath.Wait(AfterAsync(eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        SyncPath.Wait(BeforeAsync(command, eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        SyncPath.Wait(AfterAsync(eventData, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        await AfterAsync(eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        SyncPath.Wait(AfterAsync(eventData, async: false, CancellationToken.None));

    public override async Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await AfterAsync(eventData, async: true, cancellationToken).ConfigureAwait(false);

    private async ValueTask BeforeAsync(DbCommand command, CommandEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (eventData.CommandSource == CommandSource.SaveChanges)
        {
            return;
        }

        if (eventData.CommandSource == CommandSource.LinqQuery)
        {
            state.EnsureProvenanceTracking();
        }

        var writes = Classify(command.CommandText, eventData.CommandSource);
        if (writes.Count == 0)
        {
            return;
        }

        var commit = await WriteRouter.BeginAsync(state, writes, async, cancellationToken).ConfigureAwait(false);
        _inFlight[eventData.CommandId] = (commit, writes);
    }

    private async ValueTask AfterAsync(CommandEndEventData eventData, bool async, CancellationToken cancellationToken)
    {
        if (_inFlight.Remove(eventData.CommandId, out var entry))
        {
            await WriteRouter.RecordAsync(state, entry.Commit, entry.Writes, async, cancellationToken).ConfigureAwait(false);
        }
    }

    private List<WriteRecord> Classify(string sql, CommandSource source)
    {
        var writes = new List<WriteRecord>();
        switch (source)
        {
            case CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete:
                if (SqlClassifier.TryGetDmlTarget(sql, out var schema, out var name))
                {
                    writes.Add(WriteRecord.ForTable(state.Model.TableNamed(schema, name)));
                    // Only a DELETE cascades (EF creates no ON UPDATE actions).
                    if (SqlClassifier.IsDelete(sql) && state.Model.EfModel.GetRelationalModel().FindTable(name, schema) is { } table)
                    {
                        Cascades.AddForTable(state.Model, table, writes);
                    }
                }
                else
                {
                    writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                }

                break;
            case CommandSource.Migrations:
                writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                break;
            default:
                if (!SqlClassifier.IsRead(sql))
                {
                    writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                }

                break;
        }

        return writes;
    }
}

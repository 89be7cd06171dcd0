using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Writes;
using CacheBot.Linq.Providers;

namespace CacheBot.EntityFrameworkCore.Transactions;

/// <summary>
/// Decides when a write's invalidations apply, through the commit protocol: in autocommit, announced before the statement
/// (<see cref="Linq.QueryCache.BeginCommit"/>) and applied after it (<see cref="CacheCommit.Complete"/>); inside a transaction
/// of the context, held in <see cref="PendingWrites"/> until the commit (dropped on rollback). Every batch that writes also
/// invalidates the model's views (and the database's views the model maps as tables), whose base tables EF does not know;
/// and what the database's catalog says it does beyond the writes (triggers, rules, foreign-key actions the model does not
/// declare: <see cref="Writes.CatalogConsequences"/>) is added to intents and writes alike.
/// </summary>
/// <remarks>
/// <para>A transaction CacheBot may never see commit (<c>UseTransaction</c> with the user's <c>DbTransaction</c>): its writes
/// are applied at once, again at an EF commit, and again when the context is disposed.</para>
/// <para>An ambient <c>TransactionScope</c> that the connection may or may not have joined (Npgsql enlists,
/// Microsoft.Data.Sqlite does not): writes are applied at once AND again when the scope completes, whatever its outcome.</para>
/// </remarks>
internal static class WriteRouter
{
    /// <summary>Before a write: announces it, or returns <see langword="null"/> when a transaction of the context holds it.</summary>
    public static async ValueTask<CacheCommit?> BeginAsync(CacheBotContextState state, IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken)
    {
        if (state.Context.Database.CurrentTransaction is not null)
        {
            return null;
        }

        var expanded = new List<WriteRecord>(intents);
        CatalogConsequences.Add(state, expanded);
        intents = expanded;

        return async ? await state.Cache.BeginCommitAsync(intents, cancellationToken).ConfigureAwait(false) : state.Cache.BeginCommit(intents);
    }

    /// <summary>After the write ran (or failed after it may have written): applies it, or keeps it for the transaction's commit.</summary>
    public static async ValueTask RecordAsync(CacheBotContextState state, CacheCommit? commit, List<WriteRecord> writes, bool async, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            if (commit is not null)
            {
                await CompleteAsync(commit, writes, async, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        CatalogConsequences.Add(state, writes);

        AddViews(state, writes);
        if (commit is null)
        {
            if (state.Context.Database.CurrentTransaction is not null)
            {
                state.Pending.AddRange(writes);
                if (state.ExternalTransaction)
                {
                    ApplyNow(state, writes);
                }

                return;
            }

            // The statement began inside a transaction that ended while it ran: apply now.
            ApplyNow(state, writes);
            return;
        }

        await CompleteAsync(commit, writes, async, cancellationToken).ConfigureAwait(false);
        if (System.Transactions.Transaction.Current is { } ambient)
        {
            var cache = state.Cache;
            var copy = writes.ToArray();
            ambient.TransactionCompleted += (_, _) => cache.BeginCommit(copy).Complete(copy);
        }
    }

    /// <summary>Announces and applies writes at once (nothing could be announced before them).</summary>
    public static void ApplyNow(CacheBotContextState state, IReadOnlyList<WriteRecord> writes)
    {
        if (writes.Count > 0)
        {
            state.Cache.BeginCommit(writes).Complete(writes);
        }
    }

    private static async ValueTask CompleteAsync(CacheCommit commit, List<WriteRecord> writes, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await commit.CompleteAsync(writes, committed: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            commit.Complete(writes, committed: true);
        }
    }

    private static void AddViews(CacheBotContextState state, List<WriteRecord> writes)
    {
        foreach (var view in state.Model.Views)
        {
            writes.Add(WriteRecord.ForTable(view));
        }
    }
}

using CacheBot.Linq;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Runs a database commit (or an autocommit statement) inside CacheBot's commit protocol: announce the writes
/// (<see cref="QueryCache.BeginCommit"/>), commit, then apply them (<see cref="CacheCommit.Complete"/>), also when the
/// commit throws, since the database may have committed. An announcement that fails stops the commit.
/// </summary>
internal static class CommitProtocol
{
    public static async ValueTask<CacheCommit> BeginAsync(QueryCache cache, IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken) =>
        async ? await cache.BeginCommitAsync(intents, cancellationToken).ConfigureAwait(false) : cache.BeginCommit(intents);

    public static async ValueTask CompleteAsync(CacheCommit commit, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken)
    {
        if (async)
        {
            await commit.CompleteAsync(writes, committed, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            commit.Complete(writes, committed);
        }
    }

    /// <summary>Applies writes reported after the fact (nothing to announce before): announce and apply at once.</summary>
    public static void ApplyNow(QueryCache cache, IReadOnlyList<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        cache.BeginCommit(writes).Complete(writes);
    }

    /// <summary>Commits a transaction holding <paramref name="pending"/> writes: announce, commit, apply.</summary>
    public static async ValueTask CommitAsync(QueryCache cache, PendingWrites pending, Func<bool, CancellationToken, ValueTask> commit, bool async, CancellationToken cancellationToken)
    {
        var writes = pending.Snapshot();
        if (writes.Length == 0)
        {
            await commit(async, cancellationToken).ConfigureAwait(false);
            return;
        }

        // An announcement that fails throws here, before the commit: the transaction stays open and its writes pending.
        var cacheCommit = await BeginAsync(cache, writes, async, cancellationToken).ConfigureAwait(false);
        try
        {
            await commit(async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also when the commit threw: the database may have committed, and invalidating more is sound.
            pending.Remove(writes.Length);
            await CompleteAsync(cacheCommit, writes, committed: true, async, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

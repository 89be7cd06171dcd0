using CacheBot.Linq;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Applies writes that have committed through the core's commit protocol (<see cref="QueryCache.BeginCommit"/>, then <see cref="CacheCommit.Complete"/>).</summary>
/// <remarks>
/// Used for writes no announcement covers: without a coordinator (where announcing costs nothing), for the second
/// application of writes under an ambient <c>TransactionScope</c> or an unknown transaction state, and for connections
/// CacheBot does not wrap. With a coordinator, <see cref="TransactionTracker"/> announces writes before they commit and
/// completes that announcement instead.
/// </remarks>
internal static class CacheCommits
{
    public static void ApplyCommitted(this QueryCache cache, IReadOnlyList<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        cache.BeginCommit(writes).Complete(writes);
    }
}

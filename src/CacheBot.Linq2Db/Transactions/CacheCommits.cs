using CacheBot.Linq;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Applies writes that have committed through the core's commit protocol (<see cref="QueryCache.BeginCommit"/>, then <see cref="CacheCommit.Complete"/>).</summary>
/// <remarks>
/// The linq2db write path reports writes once their commit is known (see <see cref="TransactionTracker"/>): the
/// announcement and the application happen together, after the commit. With a coordinator this leaves a window in which a
/// process that dies between its database commit and this call never publishes the write (the announcement before the
/// commit, which closes it, is not wired into the tracker yet; see docs/scale-out.md).
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

using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Writes recorded inside an open transaction, applied after the commit and dropped on rollback (see <see cref="TransactionTracker"/>).</summary>
internal sealed class PendingWrites
{
    private readonly List<WriteRecord> _writes = [];

    public void AddRange(List<WriteRecord> writes)
    {
        lock (_writes)
        {
            _writes.AddRange(writes);
        }
    }

    /// <summary>A copy of the writes held now (they stay held).</summary>
    public List<WriteRecord> Snapshot()
    {
        lock (_writes)
        {
            return [.. _writes];
        }
    }

    public void Clear()
    {
        lock (_writes)
        {
            _writes.Clear();
        }
    }
}

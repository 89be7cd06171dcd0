using CacheBot.Linq.Providers;
using CacheBot.Linq;
using CacheBot.Linq.Invalidation;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Writes recorded inside an open transaction, applied after the commit and dropped on rollback.</summary>
internal sealed class PendingWrites
{
    private readonly List<WriteRecord> _writes = [];

    public void Add(in WriteRecord write)
    {
        lock (_writes)
        {
            _writes.Add(write);
        }
    }

    public void Complete(QueryCache cache, bool committed)
    {
        List<WriteRecord> writes;
        lock (_writes)
        {
            if (_writes.Count == 0)
            {
                return;
            }

            writes = [.. _writes];
            _writes.Clear();
        }

        if (committed)
        {
            cache.ApplyCommitted(writes);
        }
    }
}

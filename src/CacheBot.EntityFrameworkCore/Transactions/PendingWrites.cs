using CacheBot.Linq.Providers;

namespace CacheBot.EntityFrameworkCore.Transactions;

/// <summary>Writes recorded inside an open transaction: applied after the outermost commit, dropped on rollback.</summary>
internal sealed class PendingWrites
{
    private readonly List<WriteRecord> _writes = [];

    public int Count
    {
        get
        {
            lock (_writes)
            {
                return _writes.Count;
            }
        }
    }

    public void AddRange(IReadOnlyList<WriteRecord> writes)
    {
        lock (_writes)
        {
            _writes.AddRange(writes);
        }
    }

    /// <summary>Returns the recorded writes without clearing them.</summary>
    public WriteRecord[] Snapshot()
    {
        lock (_writes)
        {
            return [.. _writes];
        }
    }

    /// <summary>Forgets the first <paramref name="count"/> writes (those a commit applied).</summary>
    public void Remove(int count)
    {
        lock (_writes)
        {
            _writes.RemoveRange(0, Math.Min(count, _writes.Count));
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

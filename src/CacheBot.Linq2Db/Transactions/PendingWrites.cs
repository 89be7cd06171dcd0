using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Writes recorded inside an open transaction: committed through <see cref="CommitProtocol"/>, dropped on rollback.</summary>
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

    /// <summary>Returns the recorded writes without clearing them (a failed announcement leaves them for a retry).</summary>
    public WriteRecord[] Snapshot()
    {
        lock (_writes)
        {
            return [.. _writes];
        }
    }

    /// <summary>Forgets the first <paramref name="count"/> writes (those a commit applied, or a rollback dropped).</summary>
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

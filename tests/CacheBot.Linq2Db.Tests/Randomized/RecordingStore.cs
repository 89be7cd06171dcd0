using CacheBot.Linq;
using CacheBot.Linq.Storage;

namespace CacheBot.Linq2Db.Tests.Randomized;

/// <summary>The default in-memory store, remembering the last entry stored (so the oracle can watch its stamps).</summary>
public sealed class RecordingStore : IQueryResultStore, IDisposable
{
    private readonly MemoryCacheResultStore _inner = new(1_000_000);

    public CachedQueryResult? LastStored { get; set; }

    public long Count => _inner.Count;

    public bool TryGet(QueryKey key, out CachedQueryResult? result) => _inner.TryGet(key, out result);

    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
        LastStored = result;
        _inner.Store(key, result, timeToLive);
    }

    public void Remove(QueryKey key) => _inner.Remove(key);

    public void Dispose() => _inner.Dispose();
}

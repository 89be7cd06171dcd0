using Microsoft.Extensions.Caching.Memory;

namespace CacheBot.Linq.Storage;

/// <summary>
/// The default result store: a size-bounded <see cref="MemoryCache"/> keyed by the 32-character hex form of the key.
/// </summary>
/// <remarks>
/// Lookups format the key into stack memory and use <c>MemoryCache.TryGetValue(ReadOnlySpan&lt;char&gt;)</c>, so a hit
/// allocates nothing; only a store allocates the key string. Eviction (size limit, expiry) is always safe: an evicted
/// entry is a miss. Freshness is not this store's job: entries are validated against version stamps by the cache.
/// </remarks>
internal sealed class MemoryQueryResultStore : IQueryResultStore, IDisposable
{
    private readonly MemoryCache _cache;

    public MemoryQueryResultStore(long sizeLimit)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimit, CompactionPercentage = 0.1 });
    }

    public long Count => _cache.Count;

    public bool TryGet(QueryKey key, out CachedQueryResult? result)
    {
        Span<char> chars = stackalloc char[32];
        key.Format(chars);
        if (_cache.TryGetValue(chars, out var value) && value is CachedQueryResult found)
        {
            result = found;
            return true;
        }

        result = null;
        return false;
    }

    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
        using var entry = _cache.CreateEntry(key.ToString());
        entry.Value = result;
        entry.Size = Math.Max(1, result.Size);
        entry.AbsoluteExpirationRelativeToNow = timeToLive;
    }

    public void Remove(QueryKey key) => _cache.Remove(key.ToString());

    public void Dispose() => _cache.Dispose();
}

using Microsoft.Extensions.Caching.Memory;

namespace CacheBot.Linq.Storage;

/// <summary>
/// A result store on <see cref="MemoryCache"/> (size-bounded, absolute expiry, LRU compaction), for applications that
/// want CacheBot's entries in Microsoft.Extensions.Caching.Memory; set it as <see cref="QueryCacheOptions.ResultStore"/>.
/// The default store (used when none is set) is faster and smaller per entry.
/// </summary>
/// <remarks>
/// Lookups format the key into stack memory and use <c>MemoryCache.TryGetValue(ReadOnlySpan&lt;char&gt;)</c>, so a hit
/// allocates nothing; only a store allocates the key string. Eviction (size limit, expiry) is always safe: an evicted
/// entry is a miss. Freshness is not this store's job: entries are validated against version stamps by the cache.
/// </remarks>
public sealed class MemoryCacheResultStore : IQueryResultStore, IDisposable
{
    private readonly MemoryCache _cache;

    /// <summary>Creates a store bounded by <paramref name="sizeLimit"/> rows.</summary>
    /// <param name="sizeLimit">The size limit, in rows (a scalar result counts as 1, a sequence as its row count plus 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeLimit"/> is not positive.</exception>
    public MemoryCacheResultStore(long sizeLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeLimit);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimit, CompactionPercentage = 0.1 });
    }

    /// <inheritdoc/>
    public long Count => _cache.Count;

    /// <inheritdoc/>
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

    /// <inheritdoc/>
    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var entry = _cache.CreateEntry(key.ToString());
        entry.Value = result;
        entry.Size = Math.Max(1, result.Size);
        entry.AbsoluteExpirationRelativeToNow = timeToLive;
    }

    /// <inheritdoc/>
    public void Remove(QueryKey key) => _cache.Remove(key.ToString());

    /// <inheritdoc/>
    public void Dispose() => _cache.Dispose();
}

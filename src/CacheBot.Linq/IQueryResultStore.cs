namespace CacheBot.Linq;

/// <summary>
/// Where cached results live. The default keeps them in a bounded <c>MemoryCache</c>; a distributed store can implement
/// this interface. A store may drop entries at any time (that costs a miss). A store that throws never fails a query:
/// the cache logs the error and runs the query uncached.
/// </summary>
public interface IQueryResultStore
{
    /// <summary>Looks up an entry.</summary>
    /// <param name="key">The query key.</param>
    /// <param name="result">The entry, when found.</param>
    /// <returns>Whether an entry was found.</returns>
    bool TryGet(QueryKey key, out CachedQueryResult? result);

    /// <summary>Stores an entry, replacing any entry of the same key.</summary>
    /// <param name="key">The query key.</param>
    /// <param name="result">The entry.</param>
    /// <param name="timeToLive">How long the store should keep it at most.</param>
    void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive);

    /// <summary>Removes an entry if present.</summary>
    /// <param name="key">The query key.</param>
    void Remove(QueryKey key);

    /// <summary>Gets the number of entries currently held, or -1 when unknown.</summary>
    long Count { get; }
}

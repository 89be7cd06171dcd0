using CacheBot.Linq;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>A result store that keeps nothing: every cached query through it is a miss (the whole miss path, store call included).</summary>
public sealed class NothingKeptStore : IQueryResultStore
{
    public long Count => 0;

    public bool TryGet(QueryKey key, out CachedQueryResult? result)
    {
        result = null;
        return false;
    }

    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
    }

    public void Remove(QueryKey key)
    {
    }
}

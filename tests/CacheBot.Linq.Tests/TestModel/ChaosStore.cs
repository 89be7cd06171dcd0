using System.Collections.Concurrent;

namespace CacheBot.Linq.Tests.TestModel;

/// <summary>
/// A result store test double: a plain dictionary store that can be told to throw on reads and/or writes, to lose
/// every entry it is given, or to hold writes back until <see cref="Flush"/> (a slow, distributed store).
/// </summary>
public sealed class ChaosStore : IQueryResultStore
{
    private readonly ConcurrentDictionary<QueryKey, CachedQueryResult> _entries = new();
    private readonly ConcurrentQueue<(QueryKey Key, CachedQueryResult Result)> _delayed = new();

    public bool ThrowOnGet { get; set; }

    public bool ThrowOnStore { get; set; }

    public bool ThrowOnRemove { get; set; }

    public bool LoseEntries { get; set; }

    public bool DelayStores { get; set; }

    public int Gets { get; private set; }

    public int StoreCalls { get; private set; }

    public long Count => ThrowOnGet ? throw new InvalidOperationException("chaos: count") : _entries.Count;

    public void SetAlwaysThrow(bool value)
    {
        ThrowOnGet = value;
        ThrowOnStore = value;
        ThrowOnRemove = value;
    }

    public bool TryGet(QueryKey key, out CachedQueryResult? result)
    {
        Gets++;
        if (ThrowOnGet)
        {
            throw new InvalidOperationException("chaos: store unreachable (get)");
        }

        var found = _entries.TryGetValue(key, out var entry);
        result = entry;
        return found;
    }

    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
        StoreCalls++;
        if (ThrowOnStore)
        {
            throw new TimeoutException("chaos: store unreachable (set)");
        }

        if (LoseEntries)
        {
            return;
        }

        if (DelayStores)
        {
            _delayed.Enqueue((key, result));
            return;
        }

        _entries[key] = result;
    }

    public void Remove(QueryKey key)
    {
        if (ThrowOnRemove)
        {
            throw new InvalidOperationException("chaos: store unreachable (remove)");
        }

        _entries.TryRemove(key, out _);
    }

    /// <summary>Lands every held-back write now (in order), as a slow store eventually would.</summary>
    public void Flush()
    {
        while (_delayed.TryDequeue(out var item))
        {
            _entries[item.Key] = item.Result;
        }
    }

    /// <summary>Drops every entry (a restart, an eviction storm).</summary>
    public void Clear() => _entries.Clear();
}

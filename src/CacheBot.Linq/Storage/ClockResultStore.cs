using System.Collections.Concurrent;

namespace CacheBot.Linq.Storage;

/// <summary>
/// The default result store: a concurrent dictionary keyed by the 128-bit query key, bounded by a size limit (in rows),
/// evicting with a CLOCK over insertion order where each entry's recent uses buy it second chances (recency and
/// frequency, like CLOCK-Pro's approximations of LRU/LFU).
/// </summary>
/// <remarks>
/// <para>Reads are lock-free (one dictionary probe, no allocation); a hit writes the entry's use counter only while it is
/// below its cap, so hot entries are read-only and threads do not contend on them. Writes (stores, removals, eviction)
/// take one lock: they happen on misses, which run a database query anyway.</para>
/// <para>Eviction is always safe (an evicted entry is a miss). Expired entries are evicted first when the clock passes
/// them. Freshness is not this store's job: the cache validates entries against its stamps.</para>
/// <para>Memory per entry beyond the result: one dictionary node and one ring slot (about 80 bytes) besides the
/// <see cref="CachedQueryResult"/> itself.</para>
/// </remarks>
internal sealed class ClockResultStore : IQueryResultStore
{
    private const byte MaxUses = 3;

    private readonly ConcurrentDictionary<UInt128, CachedQueryResult> _entries = new();
    private readonly object _gate = new();
    private readonly long _sizeLimit;
    private readonly TimeProvider _time;
    private UInt128[] _ring = new UInt128[64];
    private int _ringCount;
    private int _hand;
    private long _size;

    public ClockResultStore(long sizeLimit, TimeProvider time)
    {
        _sizeLimit = sizeLimit;
        _time = time;
    }

    public long Count => _entries.Count;

    /// <summary>Gets the total size of the entries held, in rows.</summary>
    public long Size => Interlocked.Read(ref _size);

    public bool TryGet(QueryKey key, out CachedQueryResult? result)
    {
        if (_entries.TryGetValue(key.Value, out var found))
        {
            if (found.Uses < MaxUses)
            {
                found.Uses++;
            }

            result = found;
            return true;
        }

        result = null;
        return false;
    }

    public void Store(QueryKey key, CachedQueryResult result, TimeSpan timeToLive)
    {
        var size = Math.Max(1, result.Size);
        if (size > _sizeLimit)
        {
            return; // larger than the whole store: never kept
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(key.Value, out var previous))
            {
                _size -= Math.Max(1, previous.Size);
            }
            else
            {
                AppendToRing(key.Value);
            }

            _entries[key.Value] = result;
            _size += size;
            while (_size > _sizeLimit && !_entries.IsEmpty)
            {
                EvictOne();
            }
        }
    }

    public void Remove(QueryKey key)
    {
        lock (_gate)
        {
            if (_entries.TryRemove(key.Value, out var removed))
            {
                _size -= Math.Max(1, removed.Size);
            }
        }
    }

    private void AppendToRing(UInt128 key)
    {
        if (_ringCount == _ring.Length)
        {
            // Keys of removed entries stay in the ring until the hand passes; compact before growing.
            CompactRing();
            if (_ringCount * 2 > _ring.Length)
            {
                Array.Resize(ref _ring, _ring.Length * 2);
            }
        }

        _ring[_ringCount++] = key;
    }

    private void EvictOne()
    {
        var now = _time.GetUtcNow();
        while (true)
        {
            if (_hand >= _ringCount)
            {
                _hand = 0;
            }

            var key = _ring[_hand];
            if (!_entries.TryGetValue(key, out var entry))
            {
                RemoveRingSlot(_hand);
                continue;
            }

            if (entry.Uses == 0 || entry.IsExpired(now))
            {
                _entries.TryRemove(key, out _);
                _size -= Math.Max(1, entry.Size);
                RemoveRingSlot(_hand);
                return;
            }

            entry.Uses--;
            _hand++;
        }
    }

    private void RemoveRingSlot(int index)
    {
        // Swap-remove: the last key takes the slot the hand is on (it is examined next).
        _ring[index] = _ring[--_ringCount];
    }

    private void CompactRing()
    {
        var kept = 0;
        for (var i = 0; i < _ringCount; i++)
        {
            if (_entries.ContainsKey(_ring[i]))
            {
                _ring[kept++] = _ring[i];
            }
        }

        _ringCount = kept;
        _hand = kept == 0 ? 0 : _hand % kept;
    }
}

using System.Collections.Concurrent;

namespace CacheBot.Linq.Storage;

/// <summary>
/// The default result store: a concurrent dictionary keyed by the 128-bit query key, bounded by a size limit (in rows),
/// evicting with a CLOCK where each entry's recent uses buy it second chances (recency and frequency, like CLOCK-Pro's
/// approximations of LRU/LFU). A new key takes the slot of the entry it displaced, just behind the hand; a key stored
/// again keeps its slot and its uses.
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
                // A new result for a key already held (the old one was stale or expired): it keeps the key's place and
                // history, plus the use that asked for it again.
                _size += size - Math.Max(1, previous.Size);
                result.Slot = previous.Slot;
                result.Uses = (byte)Math.Min(MaxUses, previous.Uses + 1);
                _entries[key.Value] = result;
                MakeRoom(key.Value);
                return;
            }

            _size += size;
            var slot = MakeRoom(except: null);
            if (slot < 0)
            {
                slot = Append(key.Value);
            }
            else
            {
                _ring[slot] = key.Value;
            }

            result.Slot = slot;
            _entries[key.Value] = result;
        }
    }

    public void Remove(QueryKey key)
    {
        lock (_gate)
        {
            if (_entries.TryRemove(key.Value, out var removed))
            {
                _size -= Math.Max(1, removed.Size); // its slot is free from now on (no entry points at it)
            }
        }
    }

    /// <summary>
    /// Evicts until the store is within its bound and returns the first slot it freed (-1 if none): a new key takes the
    /// victim's slot, just behind the hand, so it gets a whole turn of the clock before it is examined.
    /// </summary>
    private int MakeRoom(UInt128? except)
    {
        var first = -1;
        while (_size > _sizeLimit && _entries.Count > (except is null ? 0 : 1))
        {
            var freed = EvictOne(except);
            first = first < 0 ? freed : first;
        }

        return first;
    }

    private int Append(UInt128 key)
    {
        if (_ringCount == _ring.Length)
        {
            // Free slots stay in the ring until the hand passes; compact before growing.
            CompactRing();
            if (_ringCount * 2 > _ring.Length)
            {
                Array.Resize(ref _ring, _ring.Length * 2);
            }
        }

        _ring[_ringCount] = key;
        return _ringCount++;
    }

    private int EvictOne(UInt128? except)
    {
        var now = _time.GetUtcNow();
        while (true)
        {
            if (_hand >= _ringCount)
            {
                _hand = 0;
            }

            var slot = _hand++;
            var key = _ring[slot];
            if (!_entries.TryGetValue(key, out var entry) || entry.Slot != slot || key == except)
            {
                continue; // a free slot (its entry was removed or lives elsewhere), or the key being stored
            }

            if (entry.Uses == 0 || entry.IsExpired(now))
            {
                _entries.TryRemove(key, out _);
                _size -= Math.Max(1, entry.Size);
                return slot;
            }

            entry.Uses--;
        }
    }

    private void CompactRing()
    {
        var kept = 0;
        for (var i = 0; i < _ringCount; i++)
        {
            if (_entries.TryGetValue(_ring[i], out var entry) && entry.Slot == i)
            {
                entry.Slot = kept;
                _ring[kept++] = _ring[i];
            }
        }

        _ringCount = kept;
        _hand = kept == 0 ? 0 : _hand % kept;
    }
}

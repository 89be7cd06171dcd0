namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Version stamps for dependency keys, held in a fixed array of slots indexed by the key's hash.
/// </summary>
/// <remarks>
/// Invariants: a slot only ever moves to a fresh value drawn from a process-wide monotonic clock, so a stamp an entry
/// captured can never be seen again after a write replaced it. Two keys that share a slot invalidate each other: a
/// collision costs precision, never soundness. Slots are never evicted, so there is no "missing stamp" case; memory is
/// fixed at 8 bytes per slot. Reads are plain volatile loads (no lock, no allocation); writes are one interlocked
/// increment plus a volatile store. The global epoch is folded into every entry so <c>InvalidateAll</c> is O(1).
/// </remarks>
internal sealed class StampTable
{
    private readonly long[] _slots;
    private readonly ulong _mask;
    private long _clock;
    private long _globalEpoch;

    public StampTable(int slotsLog2)
    {
        _slots = new long[1 << slotsLog2];
        _mask = (ulong)_slots.Length - 1;
    }

    public long GlobalEpoch => Volatile.Read(ref _globalEpoch);

    public long Read(ulong key) => Volatile.Read(ref _slots[(int)(key & _mask)]);

    public void Bump(ulong key) => Volatile.Write(ref _slots[(int)(key & _mask)], Interlocked.Increment(ref _clock));

    public void BumpGlobal() => Volatile.Write(ref _globalEpoch, Interlocked.Increment(ref _clock));
}

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Version stamps for dependency keys: a fixed array of slots, each holding the position of the last write that hit a
/// key of that slot. A key owns two slots, picked by independent bits of its hash; a write records its position in both
/// and a key's stamp is the smaller of the two (a count-min sketch of positions).
/// </summary>
/// <remarks>
/// <para>Positions. Every applied write carries a position: locally the next value of a process-wide counter, or, with a
/// <see cref="Providers.CacheCoordinator"/>, the position the coordinator gave the write in its shared log. A reader
/// takes the current <see cref="ReadPosition"/> after registering its schemes and before running its query; its entry
/// is valid while every slot it depends on is at or below that position. A write that commits after the read position
/// was taken is applied with a larger position (its position is drawn, or published, after its commit), so it always
/// invalidates; a write applied with a smaller position had committed before the query ran, so the query saw it.</para>
/// <para>Invariants: a slot only grows (<see cref="Bump"/> is a max, so two writers finishing out of order cannot move a
/// slot back below a position an entry already compared against). A key's stamp is at least the position of every write
/// that hit it, since both its slots are. Another key's write makes it look newer only if both its slots were hit by
/// other keys: with one slot per key that happens with probability about w/n (w keys written since an entry was read,
/// n slots), with two about (2w/n)^2 — for an entry depending on 10 keys while 100 other keys are written, 1 in 1,000
/// becomes 1 in 2.5 million. Such a false collision costs precision, never soundness. Slots are never evicted; memory is
/// fixed at 8 bytes per slot.</para>
/// <para>Generation: <see cref="Reset"/> (InvalidateAll, or a coordinator that lost track) increments the generation;
/// entries hold the generation they were read under and are invalid in any other.</para>
/// <para>Unsettled keys: a coordinator may announce that writes to some tables have committed elsewhere but are not
/// applied yet; while a key is unsettled no entry that depends on it validates (<see cref="IsUnsettled"/>).</para>
/// <para>Threading: reads are plain volatile loads (no lock, no allocation); a bump is a compare-and-swap loop on one
/// slot; the unsettled set is an immutable array swapped atomically.</para>
/// </remarks>
internal sealed class StampTable
{
    private static readonly ulong[] NoKeys = [];

    private readonly long[] _slots;
    private readonly ulong _mask;
    private long _clock;
    private long _maxApplied;
    private long _generation;
    private long _trackedSince;
    private ulong[] _unsettled = NoKeys;

    public StampTable(int slotsLog2)
    {
        _slots = new long[1 << slotsLog2];
        _mask = (ulong)_slots.Length - 1;
    }

    /// <summary>Gets the generation entries must have been read under to be valid.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Gets the position a reader stores with its entry: every write at or below it that the reader could have missed
    /// had committed before the reader's query ran.
    /// </summary>
    public long ReadPosition => Volatile.Read(ref _clock);

    /// <summary>Gets the largest position applied so far (local writes included): a coordinator's writes may be applied out of order.</summary>
    public long MaxAppliedPosition => Volatile.Read(ref _maxApplied);

    /// <summary>Gets whether any key is unsettled (a cheap test before <see cref="IsUnsettled"/>).</summary>
    public bool HasUnsettled => Volatile.Read(ref _unsettled).Length != 0;

    /// <summary>Gets the key's stamp: at least the position of the last write that hit it (the smaller of its two slots).</summary>
    public long Read(ulong key) =>
        Math.Min(Volatile.Read(ref _slots[(int)(key & _mask)]), Volatile.Read(ref _slots[(int)((key >> 32) & _mask)]));

    /// <summary>Draws the next local position (no coordinator): strictly greater than any <see cref="ReadPosition"/> read before.</summary>
    public long NextLocalPosition()
    {
        var position = Interlocked.Increment(ref _clock);
        RaiseMaxApplied(position);
        return position;
    }

    /// <summary>Moves the read position forward (a coordinator applied every write up to <paramref name="position"/>).</summary>
    public void AdvanceReadPosition(long position)
    {
        RaiseMaxApplied(position);
        var current = Volatile.Read(ref _clock);
        while (position > current)
        {
            var seen = Interlocked.CompareExchange(ref _clock, position, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Notes that a write at <paramref name="position"/> was applied (possibly ahead of the read position).</summary>
    public void NoteApplied(long position) => RaiseMaxApplied(position);

    /// <summary>Records that a write at <paramref name="position"/> hit <paramref name="key"/> (in both its slots, before returning).</summary>
    public void Bump(ulong key, long position)
    {
        Raise(ref _slots[(int)(key & _mask)], position);
        Raise(ref _slots[(int)((key >> 32) & _mask)], position);
    }

    /// <summary>Gets the largest applied position at the last <see cref="Reset"/>: writes at or below it may not be reflected in the slots.</summary>
    public long TrackedSince => Volatile.Read(ref _trackedSince);

    /// <summary>Invalidates every entry (new generation); slots may have missed writes up to the current position.</summary>
    public void Reset()
    {
        var applied = MaxAppliedPosition;
        var current = Volatile.Read(ref _trackedSince);
        while (applied > current)
        {
            var seen = Interlocked.CompareExchange(ref _trackedSince, applied, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        Interlocked.Increment(ref _generation);
    }

    /// <summary>Replaces the set of unsettled keys (table or database epoch keys).</summary>
    public void SetUnsettled(ulong[] keys) => Volatile.Write(ref _unsettled, keys.Length == 0 ? NoKeys : keys);

    public bool IsUnsettled(ulong key)
    {
        foreach (var unsettled in Volatile.Read(ref _unsettled))
        {
            if (unsettled == key)
            {
                return true;
            }
        }

        return false;
    }

    private void RaiseMaxApplied(long position) => Raise(ref _maxApplied, position);

    /// <summary>Raises <paramref name="slot"/> to <paramref name="position"/> (a max: never moves it back).</summary>
    private static void Raise(ref long slot, long position)
    {
        var current = Volatile.Read(ref slot);
        while (position > current)
        {
            var seen = Interlocked.CompareExchange(ref slot, position, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

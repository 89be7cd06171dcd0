using System.Diagnostics;
using System.Runtime.InteropServices;
using CacheBot.Linq.Analysis;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// The counters of one query shape (values replaced by parameters): hits, misses, bypasses with the last refusal,
/// invalidations, entries, and latency sums.
/// </summary>
/// <remarks>
/// <para>Hit path: a hit reaches its shape through the entry it found (<see cref="CachedQueryResult.Shape"/>), never by
/// hashing the shape, and increments a counter in a cell striped by processor id (one cache line per stripe), so threads on
/// different cores do not contend. Hit latency is sampled (<see cref="QueryProbe"/>); the sampled ticks land in the same
/// cell. Misses, bypasses, stores and invalidations are rarer (each runs a query or a lookup that failed) and use plain
/// interlocked fields.</para>
/// <para>Reads sum the stripes without locks: a snapshot taken while queries run is approximate, never torn per counter.
/// A shape dropped from the table (<see cref="Dropped"/>) keeps counting until its entries find the live one again
/// (<see cref="ShapeTable.Revive"/>).</para>
/// </remarks>
internal sealed class ShapeStatistics
{
    private const int MaxStripes = 32;

    private static readonly int StripeMask = Math.Min(MaxStripes, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount)) - 1;

    // Cells 1..StripeMask + 1 are written; the first and last are guards (see StripedCounter: false sharing with the
    // array's header and with the next object).
    private readonly Cell[] _cells = new Cell[StripeMask + 3];
    private long _misses;
    private long _missTicks;
    private long _bypasses;
    private long _invalidations;
    private long _stores;
    private long _gone;
    private string? _lastRefusal;
    private RefusalReason _lastReason;
    private bool _dropped;

    public ShapeStatistics(string text) => Text = text;

    /// <summary>Gets the shape as readable text with values as <c>@n</c> (<see cref="ShapeText"/>): its identity in the table.</summary>
    public string Text { get; }

    /// <summary>Gets or sets whether the table dropped this shape (it was among the least used when the table was full).</summary>
    public bool Dropped
    {
        get => Volatile.Read(ref _dropped);
        set => Volatile.Write(ref _dropped, value);
    }

    /// <summary>Gets the reason of the last bypass (<see cref="RefusalReason.None"/> before any).</summary>
    public RefusalReason LastReason => _lastReason;

    /// <summary>Gets the last bypass's reason in words, or <see langword="null"/>.</summary>
    public string? LastRefusal => Volatile.Read(ref _lastRefusal);

    /// <summary>Counts a hit; <paramref name="sampledTicks"/> is its duration in <see cref="Stopwatch"/> ticks, or negative when not sampled.</summary>
    public void Hit(long sampledTicks)
    {
        ref var cell = ref _cells[(Thread.GetCurrentProcessorId() & StripeMask) + 1];
        Interlocked.Increment(ref cell.Hits);
        if (sampledTicks >= 0)
        {
            Interlocked.Add(ref cell.HitTicks, sampledTicks);
            Interlocked.Increment(ref cell.HitSamples);
        }
    }

    /// <summary>Counts a miss that took <paramref name="ticks"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Miss(long ticks)
    {
        Interlocked.Increment(ref _misses);
        Interlocked.Add(ref _missTicks, ticks);
    }

    /// <summary>Counts a bypass and remembers its reason in words.</summary>
    /// <param name="reason">Why the query ran uncached.</param>
    /// <param name="text">The reason in words; <see langword="null"/> keeps the text of an earlier bypass with the same reason.</param>
    public void Bypass(RefusalReason reason, string? text)
    {
        Interlocked.Increment(ref _bypasses);
        if (text is not null || _lastReason != reason || _lastRefusal is null)
        {
            Volatile.Write(ref _lastRefusal, text ?? RefusalText.Words(reason));
        }

        _lastReason = reason;
    }

    /// <summary>Counts a result of this shape stored.</summary>
    public void Stored() => Interlocked.Increment(ref _stores);

    /// <summary>Counts an entry of this shape found invalidated (a stamp moved) or expired on lookup.</summary>
    public void EntryGone(bool invalidated)
    {
        Interlocked.Increment(ref _gone);
        if (invalidated)
        {
            Interlocked.Increment(ref _invalidations);
        }
    }

    /// <summary>Gets hits + misses + bypasses (the table drops the shapes with the fewest).</summary>
    public long Requests
    {
        get
        {
            long hits = 0;
            foreach (ref var cell in _cells.AsSpan())
            {
                hits += Volatile.Read(ref cell.Hits);
            }

            return hits + Volatile.Read(ref _misses) + Volatile.Read(ref _bypasses);
        }
    }

    /// <summary>Takes a snapshot for <see cref="CacheStatistics.TopShapes"/>.</summary>
    public QueryShapeStatistics Snapshot()
    {
        long hits = 0, hitTicks = 0, hitSamples = 0;
        foreach (ref var cell in _cells.AsSpan())
        {
            hits += Volatile.Read(ref cell.Hits);
            hitTicks += Volatile.Read(ref cell.HitTicks);
            hitSamples += Volatile.Read(ref cell.HitSamples);
        }

        var misses = Volatile.Read(ref _misses);
        return new QueryShapeStatistics(
            Text,
            hits,
            misses,
            Volatile.Read(ref _bypasses),
            Volatile.Read(ref _lastRefusal),
            Volatile.Read(ref _invalidations),
            Math.Max(0, Volatile.Read(ref _stores) - Volatile.Read(ref _gone)),
            Mean(hitTicks, hitSamples),
            Mean(Volatile.Read(ref _missTicks), misses));
    }

    private static TimeSpan Mean(long ticks, long count) =>
        count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)((double)ticks / count * TimeSpan.TicksPerSecond / Stopwatch.Frequency));

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Cell
    {
        [FieldOffset(0)]
        public long Hits;

        [FieldOffset(8)]
        public long HitTicks;

        [FieldOffset(16)]
        public long HitSamples;
    }
}

using CacheBot.Linq.Diagnostics;

namespace CacheBot.Linq;

/// <summary>Counters of a <see cref="QueryCache"/> since it was created. Reads are cheap; values are approximate under concurrency.</summary>
public sealed class CacheStatistics
{
    private readonly StripedCounter _hits = new();
    private readonly StripedCounter _misses = new();
    private readonly StripedCounter _stores = new();
    private readonly StripedCounter _bypasses = new();
    private readonly Func<long> _invalidations;

    internal CacheStatistics(Func<long> invalidations, QueryCacheOptions? options = null)
    {
        _invalidations = invalidations;
        if (options is null || options.TrackShapeStatistics)
        {
            Shapes = new ShapeTable(options?.MaxTrackedShapes ?? QueryCacheOptions.DefaultMaxTrackedShapes);
        }
    }

    /// <summary>Gets the number of queries answered from the cache.</summary>
    public long Hits => _hits.Value;

    /// <summary>Gets the number of cacheable queries that ran on the database (absent, stale or expired entry).</summary>
    public long Misses => _misses.Value;

    /// <summary>Gets the number of results stored.</summary>
    public long Stores => _stores.Value;

    /// <summary>
    /// Gets the number of queries that asked to be cached but ran uncached: not analysable (non-deterministic, unknown
    /// table), an ignored table, inside a transaction, or a failing store.
    /// </summary>
    public long Bypasses => _bypasses.Value;

    /// <summary>Gets the number of version stamps replaced by writes (each may invalidate any number of entries).</summary>
    public long Invalidations => _invalidations();

    /// <summary>Gets hits / (hits + misses), or 0 before any cacheable query.</summary>
    public double HitRatio
    {
        get
        {
            var hits = Hits;
            var total = hits + Misses;
            return total == 0 ? 0 : (double)hits / total;
        }
    }

    /// <summary>Gets the per-shape statistics, or <see langword="null"/> when <see cref="QueryCacheOptions.TrackShapeStatistics"/> is off.</summary>
    internal ShapeTable? Shapes { get; }

    /// <summary>
    /// Returns the most requested query shapes (values replaced by parameters) with their hits, misses, bypasses and last
    /// refusal reason, invalidations, entries and mean latencies. The table is bounded by
    /// <see cref="QueryCacheOptions.MaxTrackedShapes"/> (least used shapes are dropped); empty when
    /// <see cref="QueryCacheOptions.TrackShapeStatistics"/> is off.
    /// </summary>
    /// <param name="count">How many shapes to return at most.</param>
    /// <returns>The shapes, most requested first (ties: most hits first, then by text).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <remarks>Documentation: README.md "Observability".</remarks>
    public IReadOnlyList<QueryShapeStatistics> TopShapes(int count = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Shapes is null || count == 0)
        {
            return [];
        }

        var all = Shapes.Snapshot();
        all.Sort(static (a, b) => 
            a.Requests != b.Requests ? b.Requests.CompareTo(a.Requests)
            : a.Hits != b.Hits ? b.Hits.CompareTo(a.Hits)
            : string.CompareOrdinal(a.Shape, b.Shape));
        if (all.Count > count)
        {
            all.RemoveRange(count, all.Count - count);
        }

        return all;
    }

    internal void Hit() => _hits.Increment();

    internal void Miss() => _misses.Increment();

    internal void Store() => _stores.Increment();

    internal void Bypass() => _bypasses.Increment();
}

using System.Globalization;

namespace CacheBot.Linq;

/// <summary>
/// What one query shape did since the cache started (or since the shape entered the bounded statistics table): a snapshot
/// returned by <see cref="CacheStatistics.TopShapes"/>. A shape is a query with its values replaced by parameters, so
/// <c>Where(p =&gt; p.UserId == 5)</c> and <c>Where(p =&gt; p.UserId == 6)</c> are one shape.
/// </summary>
/// <remarks>Documentation: README.md "Observability".</remarks>
public sealed class QueryShapeStatistics
{
    internal QueryShapeStatistics(
        string shape,
        long hits,
        long misses,
        long bypasses,
        string? lastRefusalReason,
        long invalidations,
        long entries,
        TimeSpan meanHitLatency,
        TimeSpan meanMissLatency)
    {
        Shape = shape;
        Hits = hits;
        Misses = misses;
        Bypasses = bypasses;
        LastRefusalReason = lastRefusalReason;
        Invalidations = invalidations;
        Entries = entries;
        MeanHitLatency = meanHitLatency;
        MeanMissLatency = meanMissLatency;
    }

    /// <summary>Gets the shape as readable text with values as parameters, e.g. <c>Photo.Where(p =&gt; p.UserId == @0).ToList()</c>.</summary>
    public string Shape { get; }

    /// <summary>Gets the number of queries of this shape answered from the cache.</summary>
    public long Hits { get; }

    /// <summary>Gets the number of queries of this shape that ran on the database and were stored.</summary>
    public long Misses { get; }

    /// <summary>Gets the number of queries of this shape that asked to be cached but ran uncached (see <see cref="LastRefusalReason"/>).</summary>
    public long Bypasses { get; }

    /// <summary>Gets why the last bypass ran uncached, in words (e.g. "DateTime.Now is not deterministic"), or <see langword="null"/>.</summary>
    public string? LastRefusalReason { get; }

    /// <summary>
    /// Gets the number of entries of this shape found invalidated by a write when they were next looked up (an invalidated
    /// entry that is never read again is not counted).
    /// </summary>
    public long Invalidations { get; }

    /// <summary>
    /// Gets the entries of this shape stored and not since found invalidated or expired: an estimate of the entries the store
    /// holds (entries the store evicts on its own, to respect its size limit, are not subtracted).
    /// </summary>
    public long Entries { get; }

    /// <summary>
    /// Gets the mean time of a hit (key, lookup and validation), or zero before any timed hit. Hits are sampled: one in 16
    /// per thread is timed, or every hit while the <c>cachebot.query.duration</c> histogram or a trace listener is on.
    /// </summary>
    public TimeSpan MeanHitLatency { get; }

    /// <summary>Gets the mean time of a miss (analysis, the inner query and the store), or zero.</summary>
    public TimeSpan MeanMissLatency { get; }

    /// <summary>Gets <see cref="Hits"/> + <see cref="Misses"/> + <see cref="Bypasses"/>.</summary>
    public long Requests => Hits + Misses + Bypasses;

    /// <summary>Gets hits / (hits + misses), or 0 before any.</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Shape}: {Hits} hits, {Misses} misses, {Bypasses} bypasses, {Invalidations} invalidations, {Entries} entries, " +
            $"hit {MeanHitLatency.TotalMicroseconds:0.0} us, miss {MeanMissLatency.TotalMicroseconds:0.0} us");
        return LastRefusalReason is null ? text : text + " (last refusal: " + LastRefusalReason + ")";
    }
}

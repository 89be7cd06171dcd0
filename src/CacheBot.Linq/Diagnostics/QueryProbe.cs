using System.Diagnostics;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// What the read path measures about one query: a start timestamp (only when something will use it) and the activity.
/// A local of the read path; <see cref="Querying.QueryTelemetry"/> reports it.
/// </summary>
/// <remarks>
/// <para>Cost on a hit without listeners: a thread-local counter increment, the histogram's <c>Enabled</c> flag and
/// <see cref="ActivitySource.HasListeners"/>, all plain reads. One hit in <see cref="SampleEvery"/> takes two timestamps for
/// the per-shape mean hit latency (every hit, while the histogram or a trace times it anyway); every miss is timed (it runs a
/// query anyway).</para>
/// <para>The sampling counter is thread-static (not shared) so that sampling adds no contended write to the hit path; it only
/// decides which hits are timed, so its exact value never matters.</para>
/// </remarks>
internal struct QueryProbe
{
    /// <summary>One hit in this many is timed for the per-shape mean hit latency (a power of two).</summary>
    public const int SampleEvery = 16;

    [ThreadStatic]
    private static uint t_tick;

    /// <summary>The <see cref="Stopwatch"/> timestamp the query started at, or 0 when nothing measures it.</summary>
    public long Start;

    /// <summary>The query's activity, when a listener wants it.</summary>
    public Activity? Activity;

    /// <summary>Takes the start timestamp when the query will be timed (a sampled hit, an enabled histogram).</summary>
    public static QueryProbe Begin(QueryCache cache)
    {
        var probe = default(QueryProbe);
        var sampled = cache.Statistics.Shapes is not null && (++t_tick & (SampleEvery - 1)) == 0;
        if (sampled || cache.Metrics.DurationEnabled)
        {
            probe.Start = Stopwatch.GetTimestamp();
        }

        return probe;
    }

    /// <summary>Starts the activity once the query is known to ask for caching.</summary>
    public void StartActivity(QueryCache cache)
    {
        Activity = Activities.StartQuery(cache);
        if (Activity is not null && Start == 0)
        {
            Start = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Makes sure a miss is timed (misses always are).</summary>
    public void EnsureStarted()
    {
        if (Start == 0)
        {
            Start = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Gets the elapsed <see cref="Stopwatch"/> ticks since <see cref="Start"/>, or 0 when not timed.</summary>
    public readonly long Elapsed => Start == 0 ? 0 : Stopwatch.GetTimestamp() - Start;
}

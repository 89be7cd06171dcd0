using System.Diagnostics;
using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>
/// Where the read path reports what happened to a query: per-shape statistics, the <c>cachebot.query.duration</c>
/// histogram and the <c>cachebot.query</c> activity. Hook calls in <see cref="CachedQueryRunner"/> end here, so the read
/// path itself stays a few lines longer only.
/// </summary>
/// <remarks>
/// Hit path (<see cref="Hit(QueryCache, in QueryProbe, CachedQueryResult, Expression, CacheBotQueryContext, bool)"/>): the
/// shape comes from the entry (no shape hash), one striped increment, and nothing else unless the probe is timed or traced.
/// Everything that allocates or prints (shape text, reason words, tags) runs on misses, bypasses, or with a listener.
/// </remarks>
internal static class QueryTelemetry
{
    /// <summary>Returns the statistics of the query's shape, or <see langword="null"/> when shape statistics are off.</summary>
    public static ShapeStatistics? Shape(QueryCache cache, UInt128 shapeId, Expression expression, CacheBotQueryContext context, bool sequence) =>
        cache.Statistics.Shapes?.GetOrAdd(
            shapeId,
            static s => ShapeText.Print(s.Expression, s.Context.Model, s.Context.Dialect, s.Sequence),
            (Expression: expression, Context: context, Sequence: sequence));

    /// <summary>Reports a hit of <paramref name="entry"/>.</summary>
    public static void Hit(QueryCache cache, in QueryProbe probe, CachedQueryResult entry, Expression expression, CacheBotQueryContext context, bool sequence)
    {
        var shape = entry.Shape;
        if (shape is not null && shape.Dropped)
        {
            shape = cache.Statistics.Shapes?.Revive(shape);
            entry.Shape = shape;
        }

        Hit(cache, probe, shape, expression, context, sequence);
    }

    /// <summary>Reports a hit of a query of <paramref name="shape"/>.</summary>
    public static void Hit(QueryCache cache, in QueryProbe probe, ShapeStatistics? shape, Expression expression, CacheBotQueryContext context, bool sequence)
    {
        if (probe.Start == 0)
        {
            shape?.Hit(-1);
            return;
        }

        // A timed hit (sampled, or timed for the histogram or a trace) also feeds the shape's mean hit latency.
        var elapsed = probe.Elapsed;
        shape?.Hit(elapsed);
        End(cache, probe, elapsed, QueryResultKind.Hit, shape, expression, context, sequence, reason: null);
    }

    /// <summary>Reports a hit of a compiled query (no expression: no activity, the duration histogram and shape statistics only).</summary>
    public static void PrecomputedHit(QueryCache cache, in QueryProbe probe, CachedQueryResult entry)
    {
        var shape = entry.Shape;
        if (shape is not null && shape.Dropped)
        {
            shape = cache.Statistics.Shapes?.Revive(shape);
            entry.Shape = shape;
        }

        if (probe.Start == 0)
        {
            shape?.Hit(-1);
            return;
        }

        var elapsed = probe.Elapsed;
        shape?.Hit(elapsed);
        if (cache.Metrics.DurationEnabled)
        {
            cache.Metrics.RecordDuration(elapsed, QueryResultKind.Hit);
        }
    }

    /// <summary>Reports a miss (the probe was started when the miss began).</summary>
    public static void Miss(QueryCache cache, in QueryProbe probe, ShapeStatistics? shape, Expression expression, CacheBotQueryContext context, bool sequence)
    {
        var elapsed = probe.Elapsed;
        shape?.Miss(elapsed);
        End(cache, probe, elapsed, QueryResultKind.Miss, shape, expression, context, sequence, reason: null);
    }

    /// <summary>
    /// Counts a bypass on its shape (found from the expression when <paramref name="shape"/> is not known yet) and returns
    /// the reason in words for the trace.
    /// </summary>
    public static string Bypass(
        CacheBotQueryContext context,
        ref ShapeStatistics? shape,
        Expression expression,
        RefusalReason reason,
        string detail,
        byte kind,
        Type storedType,
        bool sequence,
        bool traced)
    {
        var cache = context.Cache;
        if (cache.Statistics.Shapes is null && !traced)
        {
            return RefusalText.Words(reason); // nobody reads the words: skip the shape hash and the analysis
        }

        if (shape is null && cache.Statistics.Shapes is not null)
        {
            var shapeHash = ExpressionHasher.Hash(expression, context).Shape;
            shape = Shape(cache, CachedQueryRunner.ComputeKey(cache, shapeHash, context.Identity, kind, storedType).Value, expression, context, sequence);
        }

        string? text;
        if (string.Equals(detail, RefusalText.RefusedEarlier, StringComparison.Ordinal) && shape?.LastReason == reason)
        {
            text = null; // the shape keeps the words of its first refusal
        }
        else if (reason == RefusalReason.Unhashable)
        {
            // Once per shape (and per traced bypass): the analyser usually knows the precise cause (DateTime.Now, ...).
            text = shape?.LastReason == reason && !traced ? null : DescribeUnhashable(expression, context, detail);
        }
        else
        {
            text = RefusalText.Describe(reason, detail);
        }

        shape?.Bypass(reason, text);
        return text ?? shape?.LastRefusal ?? RefusalText.Words(reason);
    }

    /// <summary>Reports the end of a bypass.</summary>
    public static void Bypassed(QueryCache cache, in QueryProbe probe, ShapeStatistics? shape, string reason, Expression expression, CacheBotQueryContext context, bool sequence)
    {
        if (probe.Start != 0)
        {
            End(cache, probe, probe.Elapsed, QueryResultKind.Bypass, shape, expression, context, sequence, reason);
        }
    }

    /// <summary>Counts an entry found invalidated or expired on lookup.</summary>
    public static void EntryGone(CachedQueryResult? entry, bool invalidated) => entry?.Shape?.EntryGone(invalidated);

    /// <summary>Runs the inner query, inside a child activity when the query is traced.</summary>
    public static ValueTask<TStored> RunInner<TStored>(
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<TStored>> runInner,
        CacheBotQueryContext context,
        Expression expression,
        bool async,
        Activity? parent,
        CancellationToken cancellationToken) =>
        parent is null ? runInner(context, expression, async, cancellationToken) : RunTracedAsync(runInner, context, expression, async, parent, cancellationToken);

    /// <summary>
    /// The words for an unhashable query: the analyser's refusal when it refuses too (it names the member, e.g.
    /// "DateTime.Now is not deterministic"), else the hasher's.
    /// </summary>
    public static string DescribeUnhashable(Expression expression, CacheBotQueryContext context, string detail)
    {
        var choices = MarkerStripper.Run(expression);
        var settings = choices.Paths is null ? context.Cache.AnalysisSettings : context.Cache.AnalysisSettings with { AllowedPaths = choices.Paths.Split('|') };
        var analysis = QueryAnalyzer.Analyze(expression, context.Model, context.Dialect, settings);
        return analysis.IsCacheable
            ? RefusalText.Describe(RefusalReason.Unhashable, detail)
            : RefusalText.Describe(analysis.Refusal, analysis.Detail);
    }

    private static void End(
        QueryCache cache,
        in QueryProbe probe,
        long elapsed,
        QueryResultKind result,
        ShapeStatistics? shape,
        Expression expression,
        CacheBotQueryContext context,
        bool sequence,
        string? reason)
    {
        if (cache.Metrics.DurationEnabled)
        {
            cache.Metrics.RecordDuration(elapsed, result);
        }

        if (probe.Activity is { } activity)
        {
            var text = shape?.Text ?? (activity.IsAllDataRequested ? ShapeText.Print(expression, context.Model, context.Dialect, sequence) : null);
            Activities.StopQuery(activity, result, text, reason);
        }
    }

    private static async ValueTask<TStored> RunTracedAsync<TStored>(
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<TStored>> runInner,
        CacheBotQueryContext context,
        Expression expression,
        bool async,
        Activity parent,
        CancellationToken cancellationToken)
    {
        using var inner = Activities.StartInner(parent);
        try
        {
            return await runInner(context, expression, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The query fails as it would without CacheBot; its spans end with the error instead of never ending.
            inner?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            parent.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            inner?.Stop();
            parent.Stop();
            throw;
        }
    }
}

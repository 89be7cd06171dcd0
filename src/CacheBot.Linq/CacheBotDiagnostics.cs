namespace CacheBot.Linq;

/// <summary>
/// Names of CacheBot's telemetry.
/// <list type="bullet">
/// <item>Meter <see cref="MeterName"/> (OpenTelemetry: <c>AddMeter(CacheBotDiagnostics.MeterName)</c>):
/// <c>cachebot.query.requests</c> (tag <c>cachebot.request.result</c> = <c>hit</c>|<c>miss</c>|<c>bypass</c>),
/// <c>cachebot.stores</c>, <c>cachebot.invalidations</c>, <c>cachebot.entries</c> (observable: the hit path only
/// increments a counter) and the histogram <c>cachebot.query.duration</c> (seconds, tagged by <c>cachebot.request.result</c>;
/// recorded only while a listener enables it), each tagged with <c>cachebot.cache.name</c>.</item>
/// <item>Activity source <see cref="ActivitySourceName"/> (OpenTelemetry: <c>AddSource(CacheBotDiagnostics.ActivitySourceName)</c>):
/// <c>cachebot.query</c> per query that asked to be cached (tags <c>cachebot.request.result</c>, <c>cachebot.query.shape</c>:
/// the query with values as <c>@n</c>, <c>cachebot.refusal.reason</c> on a bypass), its child <c>cachebot.query.inner</c>
/// when the database runs the query (miss or bypass), and <c>cachebot.writes.apply</c> per applied write batch (tags
/// <c>cachebot.writes.count</c>, <c>cachebot.tables</c>). Nothing is started without a listener.</item>
/// </list>
/// </summary>
/// <remarks>Documentation: README.md "Observability".</remarks>
public static class CacheBotDiagnostics
{
    /// <summary>The name of CacheBot's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "CacheBot.Linq";

    /// <summary>The name of CacheBot's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "CacheBot.Linq";
}

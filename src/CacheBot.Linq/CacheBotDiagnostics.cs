namespace CacheBot.Linq;

/// <summary>
/// Names of CacheBot's telemetry: subscribe to the meter <see cref="MeterName"/> (OpenTelemetry:
/// <c>AddMeter(CacheBotDiagnostics.MeterName)</c>) for <c>cachebot.query.requests</c> (tag <c>cachebot.request.result</c> =
/// <c>hit</c>|<c>miss</c>|<c>bypass</c>), <c>cachebot.stores</c>, <c>cachebot.invalidations</c> and <c>cachebot.entries</c>,
/// each tagged with <c>cachebot.cache.name</c>. Instruments are observable: the hit path only increments a counter.
/// </summary>
public static class CacheBotDiagnostics
{
    /// <summary>The name of CacheBot's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "CacheBot.Linq";
}

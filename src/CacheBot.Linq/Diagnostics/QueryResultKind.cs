namespace CacheBot.Linq.Diagnostics;

/// <summary>How a query that asked to be cached ended: the <c>cachebot.request.result</c> tag of metrics and traces.</summary>
internal enum QueryResultKind
{
    Hit,
    Miss,
    Bypass,
}

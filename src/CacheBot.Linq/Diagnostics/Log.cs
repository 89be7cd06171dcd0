using Microsoft.Extensions.Logging;

namespace CacheBot.Linq.Diagnostics;

/// <summary>CacheBot's log messages. Never logs captured values or results above Debug.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = CacheBotEventId.QueryNotCacheable, Level = LogLevel.Debug,
        Message = "Query on {ElementType} not cached: {Reason} ({Detail})")]
    public static partial void QueryNotCacheable(ILogger logger, string elementType, Analysis.RefusalReason reason, string detail);

    [LoggerMessage(EventId = CacheBotEventId.KeyQueryFailed, Level = LogLevel.Debug,
        Message = "A key query on {Table} failed; the entry keeps its coarser dependencies")]
    public static partial void KeyQueryFailed(ILogger logger, string table, Exception exception);

    [LoggerMessage(EventId = CacheBotEventId.WriteApplied, Level = LogLevel.Debug,
        Message = "Applied {Count} write(s) to {Table}")]
    public static partial void WriteApplied(ILogger logger, int count, string table);

    [LoggerMessage(EventId = CacheBotEventId.WritesDiscarded, Level = LogLevel.Debug,
        Message = "Discarded {Count} write(s) of a scope that did not complete")]
    public static partial void WritesDiscarded(ILogger logger, int count);

    [LoggerMessage(EventId = CacheBotEventId.CoordinatorFailed, Level = LogLevel.Warning,
        Message = "Cache coordinator failed during {Operation}; local entries were dropped")]
    public static partial void CoordinatorFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = CacheBotEventId.StoreFailed, Level = LogLevel.Warning,
        Message = "Result store failed during {Operation}; the query runs uncached")]
    public static partial void StoreFailed(ILogger logger, string operation, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace CacheBot.Redis.Diagnostics;

/// <summary>CacheBot.Redis log messages. Never logs keys, values or results.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = RedisEventId.CatchUpFailed, Level = LogLevel.Debug,
        Message = "Could not catch up with the shared log; the read runs uncached")]
    public static partial void CatchUpFailed(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = RedisEventId.Resynchronized, Level = LogLevel.Information,
        Message = "Dropped local entries and restarted from the head of the shared log: {Reason}")]
    public static partial void Resynchronized(ILogger logger, string reason);

    [LoggerMessage(EventId = RedisEventId.PublishFailed, Level = LogLevel.Warning,
        Message = "Committed writes could not be published; local entries were dropped and the publish is retried")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = RedisEventId.AnnounceFailed, Level = LogLevel.Warning,
        Message = "Writes could not be announced to Redis; the write fails before its commit")]
    public static partial void AnnounceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = RedisEventId.SharedResultFailed, Level = LogLevel.Debug,
        Message = "Shared result store failed during {Operation}; the query runs as a miss")]
    public static partial void SharedStoreFailed(ILogger logger, string operation, Exception exception);
}

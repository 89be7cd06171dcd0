namespace CacheBot.Redis;

/// <summary>Event ids of CacheBot.Redis log messages (the 5000s; category <c>CacheBot.Redis</c>).</summary>
public static class RedisEventId
{
    /// <summary>A read could not catch up with the shared log (Redis unreachable, slow or paused) and ran uncached (Debug).</summary>
    public const int CatchUpFailed = 5001;

    /// <summary>This process dropped its entries and restarted from the head of the log: first contact, a gap in the log, a new epoch (restart, flush, eviction) (Information).</summary>
    public const int Resynchronized = 5002;

    /// <summary>Committed writes could not be published; this process dropped its entries and retries in the background (Warning).</summary>
    public const int PublishFailed = 5003;

    /// <summary>Writes could not be announced before their commit; the write failed (Warning).</summary>
    public const int AnnounceFailed = 5004;

    /// <summary>The shared result store failed; the query ran as a miss (Debug).</summary>
    public const int SharedResultFailed = 5005;
}

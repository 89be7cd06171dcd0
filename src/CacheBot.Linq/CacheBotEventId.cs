namespace CacheBot.Linq;

/// <summary>Event ids of CacheBot's log messages: 1000s querying, 2000s analysis, 3000s invalidation, 4000s storage.</summary>
public static class CacheBotEventId
{
    /// <summary>A query that asked to be cached ran uncached (Debug).</summary>
    public const int QueryNotCacheable = 2001;

    /// <summary>A key query a miss ran to narrow its dependencies (a navigation filter's join keys, a window's keys) failed; the entry keeps its coarser dependencies (Debug).</summary>
    public const int KeyQueryFailed = 2002;

    /// <summary>A write was applied: stamps were replaced (Debug).</summary>
    public const int WriteApplied = 3001;

    /// <summary>Writes recorded in a scope or transaction were dropped on rollback (Debug).</summary>
    public const int WritesDiscarded = 3002;

    /// <summary>The cache coordinator (a shared backend) failed to publish writes; this process dropped its entries (Warning).</summary>
    public const int CoordinatorFailed = 3003;

    /// <summary>The result store threw; the query ran uncached (Warning).</summary>
    public const int StoreFailed = 4001;
}

namespace CacheBot.Linq;

/// <summary>The state of a query's entry in the cache when it was explained (<see cref="CacheExplanation.Entry"/>).</summary>
public enum CacheEntryStatus
{
    /// <summary>Not looked up (the query is not cached, or the lookup was not reached).</summary>
    NotChecked,

    /// <summary>No entry: the next run is a miss.</summary>
    Absent,

    /// <summary>A valid entry: the next run is a hit.</summary>
    Valid,

    /// <summary>An entry that a write (or <c>InvalidateAll</c>) invalidated: the next run is a miss.</summary>
    Invalidated,

    /// <summary>An entry past its time to live: the next run is a miss.</summary>
    Expired,
}

namespace CacheBot.Linq;

/// <summary>How precisely a write invalidates cached results. See docs/invalidation.md.</summary>
public enum InvalidationGranularity
{
    /// <summary>A write hits a query only when it matches all of the query's equality constraints on that table (default).</summary>
    Conjunctive = 0,

    /// <summary>A write hits a query when it matches any single constrained field (django-cachebot's rule).</summary>
    PerField = 1,

    /// <summary>Any write to a table hits every query on that table (how SQL-text caches invalidate).</summary>
    PerTable = 2,
}

using CacheBot.Linq;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>Runs a cached query and tells whether the cache answered it.</summary>
internal static class Probe
{
    public static (T Result, bool Hit) Run<T>(QueryCache cache, Func<T> query)
    {
        var hits = cache.Statistics.Hits;
        var result = query();
        return (result, cache.Statistics.Hits > hits);
    }

    /// <summary>Runs <paramref name="query"/> twice and checks the second run is a hit (so later checks are not vacuous).</summary>
    public static T Warm<T>(QueryCache cache, Func<T> query)
    {
        var first = query();
        var (second, hit) = Run(cache, query);
        Assert.True(hit, "the second run of the query should be a cache hit");
        Assert.Equal(first, second);
        return first;
    }
}

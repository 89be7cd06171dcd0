using System.Diagnostics;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// Fills a cache with many distinct entries through the core, the way an
/// application would: one <c>Cache()</c> query per distinct parameter value.
/// </summary>
public static class CorePopulation
{
    /// <summary>
    /// Caches <paramref name="count"/> distinct <c>Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s).ToList()</c> results
    /// (u = i / 3 + 1, s = i % 3).
    /// </summary>
    public static TimeSpan PopulateWhere(QueryCache cache, IQueryable<Photo> source, int count)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var u = (i / PhotoData.StatusCount) + 1;
            var s = i % PhotoData.StatusCount;
            _ = source.Cache().Where(p => p.UserId == u && p.Status == s).ToList();
        }

        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Caches <paramref name="count"/> distinct scalar results <c>Count(p =&gt; p.UserId == u)</c>, u = offset..offset+count-1.</summary>
    public static TimeSpan PopulateCount(QueryCache cache, IQueryable<Photo> source, int offset, int count)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var u = offset + i;
            _ = source.Cache().Count(p => p.UserId == u);
        }

        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Throws unless the cache stored every populated query (nothing bypassed or evicted on the way).</summary>
    public static void RequireStored(QueryCache cache, long expected)
    {
        if (cache.Statistics.Stores < expected || cache.Statistics.Bypasses > 0)
        {
            throw new InvalidOperationException(
                $"Population stored {cache.Statistics.Stores} of {expected} entries (bypasses {cache.Statistics.Bypasses}).");
        }
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// The one place benchmarks wrap a linq2db table with CacheBot, so the read-side entry point can change in one line.
/// </summary>
public static class Cached
{
    /// <summary>
    /// <c>db.GetTable&lt;Photo&gt;()</c> wrapped with CacheBot, using the cache of the connection's <c>UseCacheBot</c>
    /// options and its database identity (so the connection's writes invalidate these results).
    /// </summary>
    public static IQueryable<Photo> Photos(DataConnection db)
    {
        // Interim: the core wrapper with the connection's database id, until CacheBot.Linq2Db's AsCacheBot() lands.
        var set = ((IDataContext)db).Options.Find<CacheBotOptionSet>()
            ?? throw new InvalidOperationException("The connection was not configured with UseCacheBot(cache).");
        return db.GetTable<Photo>().AsCacheBot(set.Cache!, set.DatabaseId);
    }
}

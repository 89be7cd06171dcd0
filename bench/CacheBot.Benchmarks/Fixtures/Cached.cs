using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>The one place benchmarks wrap a linq2db table with CacheBot.</summary>
public static class Cached
{
    /// <summary><c>db.GetTable&lt;Photo&gt;().AsCacheBot()</c>: finds the cache through the connection's <c>UseCacheBot</c> options.</summary>
    public static IQueryable<Photo> Photos(DataConnection db) => db.GetTable<Photo>().AsCacheBot();
}

using CacheBot.Linq;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>One seeded shop database, a cache, and contexts with and without CacheBot on it.</summary>
public sealed class ShopFixture : IDisposable
{
    public ShopFixture(string kind, string prefix = "efshop", QueryCacheOptions? options = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        Database = EfDatabase.Create(kind, prefix);
        Cache = new QueryCache(options ?? new QueryCacheOptions(), loggerFactory);
        using var plain = Plain();
        EfDatabase.CreateTables(plain);
        ShopContext.Seed(plain);
    }

    public EfDatabase Database { get; }

    public QueryCache Cache { get; }

    public CommandCounter Counter { get; } = new();

    /// <summary>A context with CacheBot (counting its reader commands).</summary>
    public ShopContext Cached(params IInterceptor[] interceptors) => new(Database.Options<ShopContext>(Cache, [Counter, .. interceptors]));

    /// <summary>A context without CacheBot (the oracle).</summary>
    public ShopContext Plain() => new(Database.Options<ShopContext>(null));

    public void Dispose()
    {
        Cache.Dispose();
        Database.Dispose();
    }
}

using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Querying;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CacheBot.EntityFrameworkCore;

/// <summary>
/// Entry point for EF Core queries: <c>db.Photos.AsCacheBot().Cache().Where(p =&gt; p.UserId == uid).ToList()</c>. The cache
/// is the one given to <see cref="CacheBotDbContextOptionsBuilderExtensions.UseCacheBot(DbContextOptionsBuilder, Linq.QueryCache, string?)"/>.
/// </summary>
/// <remarks>Documentation: README.md "Quick start", docs/architecture.md "EF Core".</remarks>
public static class CacheBotEntityFrameworkCoreExtensions
{
    /// <summary>
    /// Wraps an EF Core query (a <c>DbSet</c>, or a query built on one; <c>FromSql</c> goes before this call) so its
    /// <c>Cache()</c> and "get" queries are cached. EF's operators (<c>Include</c>, <c>AsNoTracking</c>, <c>AsSplitQuery</c>,
    /// <c>ToListAsync</c>, <c>CountAsync</c>, <c>ExecuteDelete</c>, <c>ToQueryString</c>, ...) keep working on the result.
    /// Cached results are untracked copies; tracking queries that return entities run through EF uncached.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">An EF Core query.</param>
    /// <returns>A query typed <see cref="IQueryable{T}"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="source"/> is not an EF Core query, or its context was not configured with <c>UseCacheBot(cache)</c>.
    /// </exception>
    public static IQueryable<T> AsCacheBot<T>(this IQueryable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Provider is EfCacheBotProvider)
        {
            return source;
        }

        var context = (source as IInfrastructure<IServiceProvider>)?.Instance.GetService(typeof(ICurrentDbContext)) is ICurrentDbContext current
            ? current.Context
            : ContextResolver.Find(source.Provider)
                ?? throw new InvalidOperationException(
                    $"AsCacheBot() was called on a query that EF Core does not provide (its provider is {source.Provider.GetType().Name}). " +
                    "Call it on a DbSet (db.Photos.AsCacheBot()) or a query built on one, or use AsCacheBot(cache) from CacheBot.Linq for other LINQ providers.");
        CacheBotContextState state;
        try
        {
            state = context.GetService<CacheBotContextState>();
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"AsCacheBot() found no CacheBot cache on the context ({context.GetType().Name}): its options were not configured with " +
                "UseCacheBot(cache). Configure it as services.AddDbContext<T>(o => o.UseSqlite(connectionString).UseCacheBot(cache)).",
                ex);
        }

        return state.QueryContext.CreateQueryable<T>(source.Expression);
    }
}

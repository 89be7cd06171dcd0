using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CacheBot.EntityFrameworkCore;

/// <summary>Wires CacheBot into EF Core: <c>services.AddDbContext&lt;ShopContext&gt;(o =&gt; o.UseSqlite(cs).UseCacheBot(cache))</c>.</summary>
/// <remarks>Documentation: README.md "Quick start", docs/architecture.md "EF Core", docs/writing-an-integration.md.</remarks>
public static class CacheBotDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Makes every context built from these options use <paramref name="cache"/>: queries wrapped with <c>AsCacheBot()</c>
    /// are cached, and every write made through the context (<c>SaveChanges</c>, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>,
    /// raw SQL, migrations) invalidates the results it could change, after its transaction commits.
    /// </summary>
    /// <param name="optionsBuilder">The options builder (call <c>UseSqlite</c>, <c>UseNpgsql</c>, ... before or after).</param>
    /// <param name="cache">The cache to use.</param>
    /// <param name="databaseName">
    /// The logical database name shared by every configuration that reaches the same database. By default it is derived from
    /// the provider and the connection string's identity keys (server, port, database, user); set it when configurations
    /// reach one database through different addresses, so their writes invalidate each other's entries.
    /// </param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder UseCacheBot(this DbContextOptionsBuilder optionsBuilder, QueryCache cache, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        ArgumentNullException.ThrowIfNull(cache);
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(new CacheBotOptionsExtension(cache, databaseName));
        return optionsBuilder;
    }

    /// <summary>
    /// Makes every context built from these options use <paramref name="cache"/> (see
    /// <see cref="UseCacheBot(DbContextOptionsBuilder, QueryCache, string?)"/>).
    /// </summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="optionsBuilder">The options builder.</param>
    /// <param name="cache">The cache to use.</param>
    /// <param name="databaseName">The logical database name, or <see langword="null"/> to derive it from the connection.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder<TContext> UseCacheBot<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, QueryCache cache, string? databaseName = null)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)UseCacheBot((DbContextOptionsBuilder)optionsBuilder, cache, databaseName);
}

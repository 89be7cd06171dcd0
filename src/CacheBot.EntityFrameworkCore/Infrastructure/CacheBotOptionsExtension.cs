using CacheBot.EntityFrameworkCore.Transactions;
using CacheBot.EntityFrameworkCore.Writes;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CacheBot.EntityFrameworkCore.Infrastructure;

/// <summary>
/// CacheBot's entry in EF Core's <c>DbContextOptions</c>: the cache and the optional logical database name. It registers
/// CacheBot's interceptors and per-context state as scoped services of EF's internal service provider.
/// </summary>
/// <remarks>
/// The cache is not part of the internal service provider's identity (<see cref="ExtensionInfo.GetServiceProviderHashCode"/>
/// is constant): contexts configured with different caches share one provider, and the scoped services read the cache from
/// the context's own <c>IDbContextOptions</c>. So <c>AddDbContext(o =&gt; o.UseSqlite(cs).UseCacheBot(cache))</c> builds one
/// internal provider however many contexts it creates.
/// </remarks>
internal sealed class CacheBotOptionsExtension : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public CacheBotOptionsExtension(QueryCache cache, string? databaseName)
    {
        Cache = cache;
        DatabaseName = databaseName;
    }

    public QueryCache Cache { get; }

    public string? DatabaseName { get; }

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
        var builder = new EntityFrameworkServicesBuilder(services);
        builder.TryAdd<IInterceptor, CacheBotSaveChangesInterceptor>();
        builder.TryAdd<IInterceptor, CacheBotCommandInterceptor>();
        builder.TryAdd<IInterceptor, CacheBotTransactionInterceptor>();
        builder.TryAdd<IInterceptor, Querying.CacheBotQueryExpressionInterceptor>();
        builder.TryAdd<IResettableService, CacheBotContextState>(static p => p.GetRequiredService<CacheBotContextState>());
        services.AddScoped<CacheBotContextState>();
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(CacheBotOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "using CacheBot ";

        public override int GetServiceProviderHashCode() => 0x0CAC4E;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["CacheBot"] = "1";
    }
}

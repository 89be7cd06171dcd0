using System.Diagnostics.Metrics;
using CacheBot.Linq;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // Namespace does not match folder: extensions live in the host's namespace, as Microsoft's do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers a <see cref="QueryCache"/> in a service collection.</summary>
public static class CacheBotServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="QueryCache"/> configured by <paramref name="configure"/> (options through
    /// <see cref="IOptions{TOptions}"/>; logging and metrics from the container when registered). With a
    /// <paramref name="serviceKey"/>, registers a keyed cache instead, for applications with several caches.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the cache-wide options.</param>
    /// <param name="serviceKey">The key of a keyed registration, or <see langword="null"/> for the default one.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddCacheBot(this IServiceCollection services, Action<QueryCacheOptions>? configure = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        var name = serviceKey?.ToString() ?? Options.Options.DefaultName;
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        if (serviceKey is null)
        {
            services.TryAddSingleton(static provider => Create(provider, Options.Options.DefaultName));
        }
        else
        {
            services.TryAddKeyedSingleton(serviceKey, static (provider, key) => Create(provider, key?.ToString() ?? Options.Options.DefaultName));
        }

        return services;
    }

    private static QueryCache Create(IServiceProvider provider, string name) =>
        new(
            Options.Options.Create(provider.GetRequiredService<IOptionsMonitor<QueryCacheOptions>>().Get(name)),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>());
}

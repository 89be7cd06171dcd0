using CacheBot.Linq;
using CacheBot.Redis.Coordination;
using StackExchange.Redis;

namespace CacheBot.Redis;

/// <summary>Configures a <see cref="QueryCache"/> to share invalidation (and optionally results) with other processes through Redis.</summary>
/// <remarks>Documentation: docs/scale-out.md.</remarks>
public static class RedisQueryCacheOptionsExtensions
{
    /// <summary>
    /// Shares invalidation through the Redis at <paramref name="configuration"/> (a StackExchange.Redis configuration
    /// string such as <c>"127.0.0.1:6379"</c>). The cache owns the connection. Settings the string does not give are set for
    /// fast failure: <c>abortConnect=false</c>, <c>connectTimeout=2000</c>, sync and async timeouts of
    /// <see cref="RedisCacheOptions.WriteTimeout"/>, a fail-fast backlog, 500 ms heartbeats and reconnect attempts.
    /// </summary>
    /// <param name="options">The cache options.</param>
    /// <param name="configuration">The Redis configuration string.</param>
    /// <param name="configure">Configures the Redis settings (key prefix, staleness, shared results, timeouts).</param>
    /// <returns>The same options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty or not a valid configuration string.</exception>
    public static QueryCacheOptions UseRedis(this QueryCacheOptions options, string configuration, Action<RedisCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var settings = Settings(configure);
        var parsed = ConfigurationOptions.Parse(configuration);
        RedisConnections.ApplyDefaults(parsed, configuration, settings);
        return Use(options, RedisConnections.Connect(parsed), ownsRedis: true, settings);
    }

    /// <summary>
    /// Shares invalidation through a Redis connection the application owns (it must outlive the cache). For fast fallback
    /// when Redis is down, configure it with <c>AbortOnConnectFail = false</c>, <c>BacklogPolicy.FailFast</c> and short
    /// timeouts (docs/scale-out.md, "Connection settings").
    /// </summary>
    /// <param name="options">The cache options.</param>
    /// <param name="multiplexer">The connection.</param>
    /// <param name="configure">Configures the Redis settings (key prefix, staleness, shared results, timeouts).</param>
    /// <returns>The same options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="multiplexer"/> is <see langword="null"/>.</exception>
    public static QueryCacheOptions UseRedis(this QueryCacheOptions options, IConnectionMultiplexer multiplexer, Action<RedisCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(multiplexer);
        return Use(options, multiplexer, ownsRedis: false, Settings(configure));
    }

    private static RedisCacheOptions Settings(Action<RedisCacheOptions>? configure)
    {
        var settings = new RedisCacheOptions();
        configure?.Invoke(settings);
        return settings.Clone();
    }

    private static QueryCacheOptions Use(QueryCacheOptions options, IConnectionMultiplexer multiplexer, bool ownsRedis, RedisCacheOptions settings)
    {
        var coordinator = new RedisCoordinator(multiplexer, ownsRedis, settings);
        options.Coordinator = coordinator;
        options.SharedResultStore = settings.ShareResults ? new Sharing.RedisSharedResultStore(coordinator) : null;
        return options;
    }
}

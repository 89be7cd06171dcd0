using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>Creates the connections CacheBot owns, tuned to fail fast so that reads bypass quickly while Redis is down.</summary>
internal static class RedisConnections
{
    /// <summary>Sets what the configuration string left at its default.</summary>
    public static void ApplyDefaults(ConfigurationOptions configuration, string text, RedisCacheOptions settings)
    {
        bool Given(string key) => text.Contains(key + "=", StringComparison.OrdinalIgnoreCase);

        if (!Given("abortConnect"))
        {
            configuration.AbortOnConnectFail = false;
        }

        if (!Given("connectTimeout"))
        {
            configuration.ConnectTimeout = 2000;
        }

        var timeout = (int)Math.Ceiling(settings.WriteTimeout.TotalMilliseconds);
        if (!Given("syncTimeout"))
        {
            configuration.SyncTimeout = timeout;
        }

        if (!Given("asyncTimeout"))
        {
            configuration.AsyncTimeout = timeout;
        }

        // Commands issued while disconnected fail at once (the default backlog would hold them, then run them against a
        // restarted, empty server); the heartbeat notices timeouts and dead sockets every 500 ms instead of every second.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
    }

    public static ConnectionMultiplexer Connect(ConfigurationOptions configuration) => ConnectionMultiplexer.Connect(configuration);
}

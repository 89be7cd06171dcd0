using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>
/// The keys of one shared cache. The log keys share the hash tag <c>{prefix + "cachebot"}</c>, so every script that
/// touches them runs in one slot (Redis Cluster); shared results are spread over all slots.
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(string prefix)
    {
        var tag = "{" + prefix + "cachebot}";
        Meta = tag + ":meta";
        Log = tag + ":log";
        Scripts = [Meta, Log];
        ResultPrefix = prefix + "cachebot:r:";
    }

    /// <summary>The hash holding the epoch (sentinel), the server run id, the log head, the revision and the announced writes.</summary>
    public RedisKey Meta { get; }

    /// <summary>The stream of published writes.</summary>
    public RedisKey Log { get; }

    /// <summary>The keys every coordination script declares, in KEYS order.</summary>
    public RedisKey[] Scripts { get; }

    /// <summary>The prefix of shared-result keys (followed by the 128-bit portable key in hex).</summary>
    public string ResultPrefix { get; }
}

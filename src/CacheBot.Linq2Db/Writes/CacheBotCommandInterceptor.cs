using LinqToDB.Interceptors;

namespace CacheBot.Linq2Db.Writes;

/// <summary>Sees every command linq2db runs and turns writes into invalidations (being implemented).</summary>
internal sealed class CacheBotCommandInterceptor(CacheBotOptionSet options) : CommandInterceptor
{
    public CacheBotOptionSet Options { get; } = options;
}

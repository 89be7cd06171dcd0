namespace CacheBot.Linq2Db.Querying;

/// <summary>Chains CacheBot into linq2db's async adapter (being implemented).</summary>
internal static class CacheBotExtensionsAdapter
{
    public static void Install()
    {
    }
}

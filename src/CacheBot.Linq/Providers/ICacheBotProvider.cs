namespace CacheBot.Linq.Providers;

/// <summary>Marks a query provider as CacheBot's, so <c>Cache()</c>/<c>NoCache()</c> can check they are applied to a wrapped query.</summary>
public interface ICacheBotProvider
{
    /// <summary>Gets the context the provider's queries run in.</summary>
    CacheBotQueryContext Context { get; }
}

using System.Linq.Expressions;

namespace CacheBot.Linq.Providers;

/// <summary>A query wrapped by CacheBot: its expression and the context (cache, inner provider, model) it runs in.</summary>
internal interface ICacheBotQueryable
{
    Expression Expression { get; }

    CacheBotQueryContext Context { get; }
}

/// <summary>Marks a provider as CacheBot's, so <c>Cache()</c>/<c>NoCache()</c> can check they are applied to a wrapped query.</summary>
internal interface ICacheBotProvider
{
    CacheBotQueryContext Context { get; }
}

using System.Linq.Expressions;

namespace CacheBot.Linq.Providers;

/// <summary>A query wrapped by CacheBot: its expression and the context (cache, inner provider, model) it runs in.</summary>
public interface ICacheBotQueryable
{
    /// <summary>Gets the query expression, with CacheBot's markers (<c>Cache()</c>, <c>NoCache()</c>) still in it.</summary>
    Expression Expression { get; }

    /// <summary>Gets the context the query runs in.</summary>
    CacheBotQueryContext Context { get; }
}

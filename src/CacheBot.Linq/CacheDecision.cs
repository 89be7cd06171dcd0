namespace CacheBot.Linq;

/// <summary>What the read path would do with a query now (<see cref="CacheExplanation.Decision"/>).</summary>
public enum CacheDecision
{
    /// <summary>The query is cached: answered from the cache when a valid entry exists, else run and stored.</summary>
    Cached,

    /// <summary>The query does not ask to be cached (no <c>Cache()</c>, not a cached "get", <c>NoCache()</c>, or not wrapped by CacheBot): it runs straight through.</summary>
    NotRequested,

    /// <summary>The query asks to be cached but runs uncached this time (a transaction or write scope is open, the coordinator or the store is unavailable).</summary>
    Bypassed,

    /// <summary>The query asks to be cached but CacheBot refuses it (not deterministic, an unknown or ignored table, an operator it does not analyse, a value it cannot key): it always runs uncached.</summary>
    Refused,
}

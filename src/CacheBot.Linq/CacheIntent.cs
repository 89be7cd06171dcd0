namespace CacheBot.Linq;

/// <summary>What a query asks for (<see cref="CacheExplanation.Intent"/>).</summary>
public enum CacheIntent
{
    /// <summary>Nothing: no <c>Cache()</c>, and not a "get" query cached by default.</summary>
    None,

    /// <summary><c>Cache()</c> was called.</summary>
    Cache,

    /// <summary><c>NoCache()</c> was called (it wins over <c>Cache()</c>).</summary>
    NoCache,

    /// <summary>A "get" query (<c>First</c>, <c>FirstOrDefault</c>, <c>Single</c>, <c>SingleOrDefault</c>) cached by default (<see cref="QueryCacheOptions.CacheGet"/>).</summary>
    Get,
}

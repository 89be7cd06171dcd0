namespace CacheBot.Linq;

/// <summary>
/// A failure CacheBot reports to the caller: a write that could not be announced to the processes sharing the cache (it
/// was not committed), or a misconfiguration found at run time. Queries CacheBot cannot cache never throw it; they run
/// uncached.
/// </summary>
public class CacheBotException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public CacheBotException()
        : base("CacheBot failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What happened, why, and what to do.</param>
    public CacheBotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What happened, why, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public CacheBotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

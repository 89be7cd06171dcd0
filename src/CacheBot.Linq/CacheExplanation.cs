using System.Globalization;
using System.Text;

namespace CacheBot.Linq;

/// <summary>
/// Why a query is (not) cached, and what invalidates it: the decision the read path would make for it now, returned by
/// <c>Explain()</c> (<see cref="CacheBotExplainExtensions"/>) without running the query.
/// </summary>
/// <remarks>Documentation: README.md "Observability", docs/invalidation.md.</remarks>
public sealed class CacheExplanation
{
    internal CacheExplanation(
        string shape,
        CacheIntent intent,
        CacheDecision decision,
        string? reason,
        IReadOnlyList<CacheDependency> dependencies,
        IReadOnlyList<string> tables,
        TimeSpan? timeToLive,
        CacheEntryStatus entry)
    {
        Shape = shape;
        Intent = intent;
        Decision = decision;
        Reason = reason;
        Dependencies = dependencies;
        Tables = tables;
        TimeToLive = timeToLive;
        Entry = entry;
    }

    /// <summary>Gets the query as readable text with its values as parameters (<c>@0</c>, <c>@1</c>, ...), as statistics and traces show it.</summary>
    public string Shape { get; }

    /// <summary>Gets what the query asks for: <c>Cache()</c>, <c>NoCache()</c>, a "get" cached by default, or nothing.</summary>
    public CacheIntent Intent { get; }

    /// <summary>Gets what the read path would do with the query now.</summary>
    public CacheDecision Decision { get; }

    /// <summary>Gets whether the query is cached (<see cref="Decision"/> is <see cref="CacheDecision.Cached"/>).</summary>
    public bool IsCacheable => Decision == CacheDecision.Cached;

    /// <summary>
    /// Gets why the query is not cached, in words (e.g. "DateTime.Now is not deterministic"), or
    /// <see langword="null"/> when it is.
    /// </summary>
    public string? Reason { get; }

    /// <summary>
    /// Gets what a write must touch to invalidate the query: per table, the columns and value tuples, or "any row". Filled
    /// whenever the query can be analysed (also when it is bypassed this time); empty otherwise.
    /// </summary>
    public IReadOnlyList<CacheDependency> Dependencies { get; }

    /// <summary>Gets every table the query reads: a table write (bulk, DDL, <c>NotifyTableChanged</c>) to any of them invalidates it.</summary>
    public IReadOnlyList<string> Tables { get; }

    /// <summary>Gets how long a result would be served (the query's <c>Cache(options)</c> or the cache's default), or <see langword="null"/> when it is not cached.</summary>
    public TimeSpan? TimeToLive { get; }

    /// <summary>Gets the state of the query's entry in the cache (valid, invalidated, absent, ...), when it was looked up.</summary>
    public CacheEntryStatus Entry { get; }

    /// <summary>Returns a readable multi-line summary.</summary>
    /// <returns>The explanation in words.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Query:        ").AppendLine(Shape);
        text.Append("Asks for:     ").AppendLine(Intent switch
        {
            CacheIntent.Cache => "Cache()",
            CacheIntent.NoCache => "NoCache()",
            CacheIntent.Get => "a get, cached by default (QueryCacheOptions.CacheGet)",
            _ => "nothing (no Cache(), not a cached get)",
        });
        text.Append("Decision:     ").AppendLine(Decision switch
        {
            CacheDecision.Cached => "cached",
            CacheDecision.NotRequested => "not cached: " + Reason,
            CacheDecision.Bypassed => "runs uncached now: " + Reason,
            _ => "refused, runs uncached: " + Reason,
        });
        if (TimeToLive is { } ttl)
        {
            text.Append("Time to live: ").AppendLine(ttl.ToString("c", CultureInfo.InvariantCulture));
        }

        if (Entry != CacheEntryStatus.NotChecked)
        {
            text.Append("Entry:        ").AppendLine(Entry switch
            {
                CacheEntryStatus.Valid => "valid (the next run is a hit)",
                CacheEntryStatus.Invalidated => "invalidated by a write (the next run is a miss)",
                CacheEntryStatus.Expired => "expired (the next run is a miss)",
                _ => "none (the next run is a miss)",
            });
        }

        if (Dependencies.Count > 0)
        {
            text.AppendLine("Invalidated by a write that touches:");
            foreach (var dependency in Dependencies)
            {
                text.Append("  ").AppendLine(dependency.ToString());
            }

            text.Append("  or a table write to ").AppendJoin(", ", Tables).AppendLine(", or InvalidateAll()");
        }

        return text.ToString().TrimEnd();
    }
}

namespace CacheBot.Linq.Providers;

/// <summary>How the analyser treats a provider-specific method on the query chain (<see cref="IQueryDialect.ClassifyChainMethod"/>).</summary>
public enum ChainMethodKind
{
    /// <summary>Not known: the query is not cached.</summary>
    Unknown = 0,

    /// <summary>Does not change which rows are read (hints, options, tags): argument 0 is the source, other arguments are walked.</summary>
    PassThrough,

    /// <summary>Loads related rows into the result (linq2db <c>LoadWith</c>, EF Core <c>Include</c>): the lambda path's tables become dependencies.</summary>
    LoadWith,
}

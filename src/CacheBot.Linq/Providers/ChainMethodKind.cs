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

    /// <summary>
    /// A join of argument 0 (outer) and argument 1 (inner) on a two-parameter predicate, with an optional two-parameter result
    /// selector (linq2db <c>InnerJoin</c>, <c>LeftJoin</c>, <c>RightJoin</c>, <c>FullJoin</c>, <c>CrossJoin</c>, <c>Join</c> with a join type).
    /// <see cref="IQueryDialect.ClassifyJoin"/> tells which sides may be missing.
    /// </summary>
    Join,

    /// <summary>A filter of argument 0 by a one-parameter predicate that is not applied to rows (linq2db <c>Having</c>): it narrows nothing.</summary>
    Filter,

    /// <summary>Keeps or drops rows by position (linq2db <c>Take</c>/<c>Skip</c> with hints): later predicates no longer narrow.</summary>
    Positional,

    /// <summary>A set operation of argument 0 and argument 1 (linq2db <c>UnionAll</c>, <c>ExceptAll</c>, <c>IntersectAll</c>).</summary>
    SetOperation,
}

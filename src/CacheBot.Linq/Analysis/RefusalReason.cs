namespace CacheBot.Linq.Analysis;

/// <summary>Why a query that asked to be cached runs uncached (logged at Debug, counted as a bypass).</summary>
internal enum RefusalReason
{
    None = 0,

    /// <summary>The query calls something whose value changes between runs (<c>DateTime.Now</c>, <c>Guid.NewGuid()</c>, an unknown client-side method).</summary>
    NonDeterministic,

    /// <summary>The query reads rows whose table CacheBot cannot identify.</summary>
    UnidentifiedTable,

    /// <summary>The query touches a table listed in <c>IgnoredTables</c>.</summary>
    IgnoredTable,

    /// <summary>The query uses an operator CacheBot does not analyse.</summary>
    UnsupportedOperator,

    /// <summary>The expression tree holds nodes or values CacheBot cannot key (loops, blocks, unknown value types).</summary>
    Unhashable,

    /// <summary>Inside a transaction or write scope: reads there neither fill nor read the shared cache.</summary>
    InsideTransaction,

    /// <summary>The result store failed; the query ran uncached.</summary>
    StoreFailure,

    /// <summary>A cache coordinator (a shared backend such as Redis) could not confirm that the local stamps are current.</summary>
    CoordinatorUnavailable,
}

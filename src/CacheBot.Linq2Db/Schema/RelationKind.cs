namespace CacheBot.Linq2Db.Schema;

/// <summary>What a relation is, as far as invalidation is concerned.</summary>
internal enum RelationKind
{
    /// <summary>A table (also a PostgreSQL partitioned table).</summary>
    Table = 0,

    /// <summary>A view: its rows change whenever a relation it reads changes.</summary>
    View = 1,

    /// <summary>A materialized view: its rows change only when it is refreshed, never when the tables it reads change.</summary>
    MaterializedView = 2,

    /// <summary>Anything else (a foreign table, a virtual table): its rows may change without a tracked write.</summary>
    Other = 3,
}

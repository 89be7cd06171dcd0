namespace CacheBot.Linq.Providers;

/// <summary>What a <see cref="WriteRecord"/> changed.</summary>
public enum WriteKind
{
    /// <summary>Known rows of one table: the old and/or the new row are given (entity snapshots or <see cref="RowValues"/> images).</summary>
    Rows = 0,

    /// <summary>Unknown rows of one table: every result that reads the table is invalidated.</summary>
    Table = 1,

    /// <summary>Unknown tables of one database: every result that reads the database is invalidated.</summary>
    Database = 2,

    /// <summary>Everything the cache holds (<see cref="QueryCache.InvalidateAll"/>).</summary>
    Everything = 3,
}

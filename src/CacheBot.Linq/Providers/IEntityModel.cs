namespace CacheBot.Linq.Providers;

/// <summary>
/// Describes the tables of one database: the default reads plain CLR types (<see cref="Model.ClrEntityModel"/>);
/// an ORM integration supplies its mapping (linq2db: CacheBot.Linq2Db's MappingSchema model).
/// </summary>
internal interface IEntityModel
{
    /// <summary>Gets the logical database name; tables of one database share invalidation.</summary>
    string Database { get; }

    /// <summary>Gets the stable identity of this database and mapping (part of every cache key).</summary>
    UInt128 Fingerprint { get; }

    /// <summary>Returns the table that rows of <paramref name="entityType"/> come from, or <see langword="null"/> when it is not an entity.</summary>
    TableModel? GetTable(Type entityType);

    /// <summary>Returns the table of <paramref name="entityType"/> under an explicit name (linq2db's <c>TableName()</c>), or <see langword="null"/>.</summary>
    TableModel? GetTable(Type entityType, string? schema, string name);
}

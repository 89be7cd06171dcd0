namespace CacheBot.Linq.Providers;

/// <summary>
/// Describes the tables of one database as the provider maps them: which table an entity type reads, its columns (and
/// how the database compares their values), its primary key and its navigations. The default reads plain CLR types
/// (DataAnnotations and conventions); an ORM integration supplies its mapping (CacheBot.Linq2Db reads linq2db's
/// <c>MappingSchema</c>, CacheBot.EntityFrameworkCore EF Core's <c>IModel</c>).
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and return the same <see cref="TableModel"/> instance for the same arguments
/// (build each once, lazily). Documentation: docs/writing-an-integration.md.
/// </remarks>
public interface IEntityModel
{
    /// <summary>Gets the logical database name: tables of one database share invalidation, and a database write invalidates all of them.</summary>
    string Database { get; }

    /// <summary>
    /// Gets the identity of this database and mapping, hashed into every cache key: two models that may map one query to
    /// different rows (another database, another mapping) must have different fingerprints.
    /// </summary>
    UInt128 Fingerprint { get; }

    /// <summary>Returns the table that rows of <paramref name="entityType"/> come from.</summary>
    /// <param name="entityType">A type that appears as a query's element type or a navigation's target.</param>
    /// <returns>The table, or <see langword="null"/> when the type is not an entity of this model (queries over it are not cached).</returns>
    TableModel? GetTable(Type entityType);

    /// <summary>Returns the table of <paramref name="entityType"/> under an explicit name (linq2db's <c>TableName()</c>, EF Core's <c>ToTable</c> overrides).</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="schema">The schema, or <see langword="null"/>.</param>
    /// <param name="name">The table name.</param>
    /// <returns>The table, or <see langword="null"/> when the type is not an entity.</returns>
    TableModel? GetTable(Type entityType, string? schema, string name);
}

namespace CacheBot.Linq.Providers.Sql;

/// <summary>A table or view named in the catalog: schema (null when the name is unqualified) and name, as the database spells them.</summary>
public readonly record struct RelationRef(string? Schema, string Name)
{
    /// <summary>Gets the key the catalog files facts under: <c>schema.name</c> or the name, case-insensitive.</summary>
    public string Key => (Schema is null ? Name : Schema + "." + Name).ToUpperInvariant();

    /// <summary>Returns <c>schema.name</c>, or the name when unqualified.</summary>
    /// <returns>The name as written.</returns>
    public override string ToString() => Schema is null ? Name : Schema + "." + Name;
}

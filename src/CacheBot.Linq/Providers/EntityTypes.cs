using System.Collections;

namespace CacheBot.Linq.Providers;

/// <summary>Which CLR types can be entities (rows of a table) rather than scalars, collections or projections.</summary>
public static class EntityTypes
{
    /// <summary>Returns whether <paramref name="type"/> may be an entity: a concrete class that is not a string, a byte array, a collection or an anonymous type.</summary>
    /// <param name="type">The type.</param>
    /// <returns>Whether it may map to a table.</returns>
    public static bool IsCandidate(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsClass && type != typeof(string) && type != typeof(byte[]) && !typeof(IEnumerable).IsAssignableFrom(type)
            && !IsAnonymous(type) && !type.IsAbstract;
    }

    private static bool IsAnonymous(Type type) =>
        type.Name.Contains("AnonymousType", StringComparison.Ordinal) && type.IsSealed && type.IsGenericType;
}

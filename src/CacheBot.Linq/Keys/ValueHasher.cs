using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes a non-scalar value by its runtime type: collections of scalars, subqueries, entities, identities. One instance per
/// runtime type, built once and cached.
/// </summary>
/// <remarks>
/// Classification is decided once per type and never changes. Anything the classifier does not understand is hashed in a
/// way that can only cost cache misses (object identity) or is marked unhashable, never collapsed to a shared value.
/// </remarks>
internal abstract class ValueHasher
{
    private static readonly ConcurrentDictionary<Type, ValueHasher> Cache = new();

    public static ValueHasher For(Type runtimeType) => Cache.GetOrAdd(runtimeType, static type => Create(type));

    /// <summary>Writes <paramref name="value"/> (whose runtime type this hasher was created for) into the walk.</summary>
    public abstract void AppendBoxed(object value, ref HashWalk walk);

    /// <summary>
    /// Returns whether reading <paramref name="member"/> from a value of this hasher's type gives a result the hashed bytes
    /// determine (an entity's hashed scalar member, a collection's count). Anything else is read from state the key does
    /// not hold: a query that reads it on the client must not be cached.
    /// </summary>
    /// <param name="member">A field or property of the value.</param>
    /// <returns><see langword="true"/> when the key holds the member's value.</returns>
    public virtual bool Holds(System.Reflection.MemberInfo member) => false;

    private static ValueHasher Create(Type type)
    {
        if (type.IsValueType)
        {
            // Boxed scalars never get here (HashWalk handles them first); other structs have unknown equality.
            return UnhashableValueHasher.Instance;
        }

        if (type.IsArray)
        {
            return type.IsSZArray ? Make(nameof(CreateArray), type.GetElementType()!) : UnhashableValueHasher.Instance;
        }

        if (typeof(IQueryable).IsAssignableFrom(type))
        {
            return QueryableValueHasher.Instance;
        }

        if (typeof(Type).IsAssignableFrom(type))
        {
            return TypeValueHasher.Instance;
        }

        if (typeof(MemberInfo).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type)
            || typeof(System.Linq.Expressions.Expression).IsAssignableFrom(type))
        {
            return IdentityValueHasher.Instance;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>))
            {
                return Make(nameof(CreateList), type.GetGenericArguments()[0]);
            }

            if (definition == typeof(HashSet<>))
            {
                return Make(nameof(CreateHashSet), type.GetGenericArguments()[0]);
            }
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            // Dictionaries, multi-interface collections: unknown element semantics.
            var element = SingleEnumerableElement(type);
            return element is null ? UnhashableValueHasher.Instance : Make(nameof(CreateEnumerable), element);
        }

        return EntityValueHasher.TryCreate(type) ?? (ValueHasher)IdentityValueHasher.Instance;
    }

    private static Type? SingleEnumerableElement(Type type)
    {
        Type? element = null;
        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                if (element is not null)
                {
                    return null;
                }

                element = candidate.GetGenericArguments()[0];
            }
        }

        return element is not null && IsSupportedElement(element) ? element : null;
    }

    private static bool IsSupportedElement(Type element) => !element.IsValueType || ScalarValues.IsScalarOrNullable(element);

    private static ValueHasher Make(string factory, Type element)
    {
        if (!IsSupportedElement(element) || element.IsByRefLike || element.IsPointer)
        {
            return UnhashableValueHasher.Instance;
        }

        var method = typeof(ValueHasher).GetMethod(factory, BindingFlags.NonPublic | BindingFlags.Static)!;
        return (ValueHasher)method.MakeGenericMethod(element).Invoke(null, null)!;
    }

    private static ArrayValueHasher<T> CreateArray<T>() => new();

    private static ListValueHasher<T> CreateList<T>() => new();

    private static HashSetValueHasher<T> CreateHashSet<T>() => new();

    private static EnumerableValueHasher<T> CreateEnumerable<T>() => new();
}

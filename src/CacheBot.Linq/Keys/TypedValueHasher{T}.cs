using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes values whose static type <typeparamref name="T"/> is known generically (closure fields, collection elements),
/// so value types are never boxed. One instance per <typeparamref name="T"/>, chosen once.
/// </summary>
/// <typeparam name="T">The static type of the values.</typeparam>
internal abstract class TypedValueHasher<T>
{
    /// <summary>The hasher for <typeparamref name="T"/>: scalar, nullable scalar, reference (runtime dispatch) or unhashable.</summary>
    public static readonly TypedValueHasher<T> Instance = Create();

    /// <summary>Whether spans of <typeparamref name="T"/> may be hashed as raw bytes.</summary>
    public static readonly bool IsDense = ScalarValues.IsDense(typeof(T));

    public abstract void Append(T value, ref HashWalk walk);

    private static TypedValueHasher<T> Create()
    {
        var type = typeof(T);
        if (!type.IsValueType)
        {
            return new ReferenceTypedHasher<T>();
        }

        if (ScalarValues.IsScalar(type))
        {
            return new ScalarTypedHasher<T>();
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && ScalarValues.IsScalar(underlying))
        {
            var factory = typeof(TypedValueHasher<T>).GetMethod(nameof(CreateNullable), BindingFlags.NonPublic | BindingFlags.Static)!;
            return (TypedValueHasher<T>)factory.MakeGenericMethod(underlying).Invoke(null, null)!;
        }

        return new UnhashableTypedHasher<T>();
    }

    private static NullableTypedHasher<TUnderlying> CreateNullable<TUnderlying>()
        where TUnderlying : struct => new NullableTypedHasher<TUnderlying>();
}

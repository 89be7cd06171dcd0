namespace CacheBot.Linq.Keys;

/// <summary>Hashes a scalar value type (primitives, enums, decimal, dates, Guid) without boxing.</summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal sealed class ScalarTypedHasher<T> : TypedValueHasher<T>
{
    // A static readonly bool is a JIT-time constant once the class is initialised (tier 1).
    private static readonly bool IsEnum = typeof(T).IsEnum;

    public override void Append(T value, ref HashWalk walk)
    {
        if (IsEnum)
        {
            ScalarValues.AppendEnum(value, ref walk);
        }
        else
        {
            ScalarValues.Append(value, ref walk);
        }
    }
}

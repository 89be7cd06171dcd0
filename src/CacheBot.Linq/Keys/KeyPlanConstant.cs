namespace CacheBot.Linq.Keys;

/// <summary>
/// The runtime type and hasher of a constant seen when a <see cref="KeyPlan"/> was recorded, for constants that
/// <see cref="HashWalk.AppendObject"/> always hashes as composites: reference types other than <see cref="string"/>,
/// <c>byte[]</c> and <see cref="DBNull"/> (the only reference types it hashes as scalars).
/// </summary>
internal sealed class KeyPlanConstant(Type runtimeType, ValueHasher hasher)
{
    public Type RuntimeType { get; } = runtimeType;

    public ValueHasher Hasher { get; } = hasher;

    public static KeyPlanConstant? TryCreate(object? value)
    {
        var type = value?.GetType();
        return type is null || type.IsValueType || type == typeof(string) || type == typeof(byte[]) || type == typeof(DBNull)
            ? null
            : new KeyPlanConstant(type, ValueHasher.For(type));
    }
}

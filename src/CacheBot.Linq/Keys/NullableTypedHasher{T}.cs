namespace CacheBot.Linq.Keys;

/// <summary>Hashes a <see cref="Nullable{T}"/> of a scalar: a has-value tag, then the value.</summary>
/// <typeparam name="T">The underlying scalar type.</typeparam>
internal sealed class NullableTypedHasher<T> : TypedValueHasher<T?>
    where T : struct
{
    public override void Append(T? value, ref HashWalk walk)
    {
        if (value.HasValue)
        {
            walk.WriteValueTag(HashTag.NullableSome);
            TypedValueHasher<T>.Instance.Append(value.GetValueOrDefault(), ref walk);
        }
        else
        {
            walk.WriteValueTag(HashTag.NullableNone);
        }
    }
}

namespace CacheBot.Linq.Keys;

/// <summary>For value types with no known value semantics (arbitrary structs): marks the tree unhashable.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class UnhashableTypedHasher<T> : TypedValueHasher<T>
{
    public override void Append(T value, ref HashWalk walk)
    {
        walk.MarkUnhashable();
        walk.WriteValueTag(HashTag.Unhashable);
    }
}

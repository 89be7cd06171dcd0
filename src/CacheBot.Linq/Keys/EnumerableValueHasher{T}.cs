namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes any other <see cref="IEnumerable{T}"/> by enumerating it (allocates the enumerator). Sequences longer than
/// <see cref="MaxItems"/> (possibly infinite generators) make the tree unhashable.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class EnumerableValueHasher<T> : ValueHasher
{
    public const int MaxItems = 1 << 16;

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.Sequence);
        walk.EnterValueOnly();
        var hasher = TypedValueHasher<T>.Instance;
        var count = 0;
        foreach (var item in (IEnumerable<T>)value)
        {
            if (++count > MaxItems)
            {
                walk.MarkUnhashable();
                break;
            }

            walk.WriteValueTag(HashTag.SequenceItem);
            hasher.Append(item, ref walk);
        }

        walk.WriteValueTag(HashTag.SequenceEnd);
        walk.ExitValueOnly();
    }

    /// <inheritdoc/>
    public override bool Holds(System.Reflection.MemberInfo member) => member.Name is "Count" or "Length" or "LongLength";
}

using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes a <see cref="HashSet{T}"/>: its comparer, count, then elements in iteration order (struct enumerator, no
/// allocation). Equal sets built in a different order may hash differently: that costs a miss, never a wrong hit.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class HashSetValueHasher<T> : ValueHasher
{
    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        var set = Unsafe.As<HashSet<T>>(value);
        walk.WriteValueTag(HashTag.HashSet);
        var comparer = set.Comparer;
        if (ReferenceEquals(comparer, EqualityComparer<T>.Default))
        {
            walk.WriteValueTag(HashTag.DefaultComparer);
        }
        else
        {
            // The comparer decides what Contains matches (e.g. OrdinalIgnoreCase); comparers are usually singletons.
            walk.WriteValueTag(HashTag.CustomComparer);
            walk.WriteIdentity(comparer);
        }

        walk.WriteValue(set.Count);
        walk.EnterValueOnly();
        var hasher = TypedValueHasher<T>.Instance;
        foreach (var item in set)
        {
            hasher.Append(item, ref walk);
        }

        walk.ExitValueOnly();
    }

    /// <inheritdoc/>
    public override bool Holds(System.Reflection.MemberInfo member) => member.Name is "Count" or "Length" or "LongLength";
}

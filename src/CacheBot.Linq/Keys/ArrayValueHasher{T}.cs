using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>Hashes a <c>T[]</c>: count, then elements (raw bytes for dense scalars).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ArrayValueHasher<T> : ValueHasher
{
    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        // Dispatch was on the exact runtime type T[], so the unchecked cast is safe (and skips the covariance check).
        var array = Unsafe.As<T[]>(value);
        walk.WriteValueTag(HashTag.Array);
        walk.EnterValueOnly();
        ScalarValues.AppendSpan<T>(array, ref walk);
        walk.ExitValueOnly();
    }

    /// <inheritdoc/>
    public override bool Holds(System.Reflection.MemberInfo member) => member.Name is "Count" or "Length" or "LongLength";
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CacheBot.Linq.Keys;

/// <summary>Hashes a <see cref="List{T}"/> through its backing span: count, then elements.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ListValueHasher<T> : ValueHasher
{
    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        var list = Unsafe.As<List<T>>(value);
        walk.WriteValueTag(HashTag.List);
        walk.EnterValueOnly();
        ScalarValues.AppendSpan<T>(CollectionsMarshal.AsSpan(list), ref walk);
        walk.ExitValueOnly();
    }

    /// <inheritdoc/>
    public override bool Holds(System.Reflection.MemberInfo member) => member.Name is "Count" or "Length" or "LongLength";
}

namespace CacheBot.Linq.Keys;

/// <summary>For values with unknown equality (arbitrary structs, dictionaries, multi-dimensional arrays): marks the tree unhashable.</summary>
internal sealed class UnhashableValueHasher : ValueHasher
{
    public static readonly UnhashableValueHasher Instance = new();

    private UnhashableValueHasher()
    {
    }

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        walk.MarkUnhashable();
        walk.WriteValueTag(HashTag.Unhashable);
    }
}

namespace CacheBot.Linq.Keys;

/// <summary>Hashes a <see cref="Type"/> value by its runtime handle.</summary>
internal sealed class TypeValueHasher : ValueHasher
{
    public static readonly TypeValueHasher Instance = new();

    private TypeValueHasher()
    {
    }

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.TypeValue);
        walk.WriteTypeValue((Type)value);
    }
}

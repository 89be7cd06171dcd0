namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes an object with no readable value semantics (delegates, reflection objects, objects without public scalar members)
/// by its identity: the same object hashes equal, any other object differs. Costs misses, never wrong hits.
/// </summary>
internal sealed class IdentityValueHasher : ValueHasher
{
    public static readonly IdentityValueHasher Instance = new();

    private IdentityValueHasher()
    {
    }

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        walk.MarkNotPortable();
        walk.WriteValueTag(HashTag.Identity);
        walk.WriteIdentity(value);
    }
}

namespace CacheBot.Linq.Keys;

/// <summary>Hashes a reference-typed value by its runtime type (strings, collections, subqueries, entities).</summary>
/// <typeparam name="T">The static reference type.</typeparam>
internal sealed class ReferenceTypedHasher<T> : TypedValueHasher<T>
{
    public override void Append(T value, ref HashWalk walk) => walk.AppendObject(value);
}

namespace CacheBot.Linq.Keys;

/// <summary>
/// A captured value's member chain as recorded by a <see cref="KeyPlan"/>: the hops' members and types (root side first), the
/// root's static type (<see langword="null"/> for a static root) and the accessors, resolved once instead of per value.
/// </summary>
internal sealed class KeyPlanChain(System.Reflection.MemberInfo[] hops, Type[] hopTypes, Type? rootType, MemberValueHasher[] hopAccessors, MemberValueHasher leaf)
{
    /// <summary>The most hops a planned chain has; longer chains are hashed by the full walk.</summary>
    public const int MaxHops = 8;

    /// <summary>Gets the members of the inner hops (between the root and the leaf), root side first.</summary>
    public System.Reflection.MemberInfo[] Hops { get; } = hops;

    public Type[] HopTypes { get; } = hopTypes;

    public Type? RootType { get; } = rootType;

    public MemberValueHasher[] HopAccessors { get; } = hopAccessors;

    /// <summary>Gets the hasher of the leaf member (the value the query uses).</summary>
    public MemberValueHasher Leaf { get; } = leaf;
}

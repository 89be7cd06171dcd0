using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes an arbitrary object (e.g. an entity captured for <c>p.User == u</c>) shallowly: its public instance readable
/// properties and fields of scalar types, one level, through cached compiled accessors.
/// </summary>
/// <remarks>
/// Members are taken in the order reflection returned them when the hasher was built; the hasher is cached per type, so the
/// order is fixed for the process. Non-scalar members (navigations, collections) are not read.
/// </remarks>
internal sealed class EntityValueHasher : ValueHasher
{
    private readonly MemberValueHasher[] _members;

    private EntityValueHasher(MemberValueHasher[] members) => _members = members;

    /// <summary>Returns a hasher for <paramref name="type"/>, or <see langword="null"/> when it has no public scalar members.</summary>
    public static EntityValueHasher? TryCreate(Type type)
    {
        var members = new List<MemberValueHasher>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0
                && ScalarValues.IsScalarOrNullable(property.PropertyType) && MemberValueHasher.For(property) is { } hasher)
            {
                members.Add(hasher);
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (ScalarValues.IsScalarOrNullable(field.FieldType) && MemberValueHasher.For(field) is { } hasher)
            {
                members.Add(hasher);
            }
        }

        return members.Count == 0 ? null : new EntityValueHasher([.. members]);
    }

    /// <inheritdoc/>
    public override bool Holds(MemberInfo member)
    {
        foreach (var hashed in _members)
        {
            if (hashed.Member == member || (hashed.Member.MetadataToken == member.MetadataToken && hashed.Member.Module == member.Module))
            {
                return true;
            }
        }

        return false;
    }

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.Entity);
        walk.EnterValueOnly();
        foreach (var member in _members)
        {
            member.Append(value, ref walk);
        }

        walk.ExitValueOnly();
    }
}

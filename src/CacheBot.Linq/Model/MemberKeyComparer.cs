using System.Reflection;

namespace CacheBot.Linq.Model;

/// <summary>
/// Compares members by declaring module and metadata token, so a property reached through a derived type
/// (<c>ReflectedType</c> differs) still finds its column.
/// </summary>
internal sealed class MemberKeyComparer : IEqualityComparer<MemberInfo>
{
    public static readonly MemberKeyComparer Instance = new();

    public bool Equals(MemberInfo? x, MemberInfo? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.MetadataToken == y.MetadataToken && x.Module.Equals(y.Module)
            && x.DeclaringType == y.DeclaringType);

    public int GetHashCode(MemberInfo obj) => HashCode.Combine(obj.MetadataToken, obj.DeclaringType);
}

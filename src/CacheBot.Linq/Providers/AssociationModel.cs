using System.Reflection;

namespace CacheBot.Linq.Providers;

/// <summary>
/// A navigation member: <c>Photo.User</c> (to-one) or <c>User.Photos</c> (to-many), with the key pairs that join them.
/// Keys may be empty when the model cannot tell them; the analyser then gives the target table the empty scheme.
/// </summary>
internal sealed class AssociationModel
{
    public AssociationModel(MemberInfo member, Type targetType, bool isCollection, IReadOnlyList<MemberInfo> thisKeys, IReadOnlyList<MemberInfo> otherKeys)
    {
        Member = member;
        TargetType = targetType;
        IsCollection = isCollection;
        ThisKeys = thisKeys;
        OtherKeys = otherKeys;
    }

    public MemberInfo Member { get; }

    public Type TargetType { get; }

    public bool IsCollection { get; }

    /// <summary>Gets the members of the owning entity that join (e.g. <c>Photo.UserId</c>).</summary>
    public IReadOnlyList<MemberInfo> ThisKeys { get; }

    /// <summary>Gets the members of the target entity that join (e.g. <c>User.Id</c>).</summary>
    public IReadOnlyList<MemberInfo> OtherKeys { get; }

    public bool HasKeys => ThisKeys.Count > 0 && ThisKeys.Count == OtherKeys.Count;
}

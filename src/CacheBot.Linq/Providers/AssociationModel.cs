using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Providers;

/// <summary>
/// A navigation member: <c>Photo.User</c> (to-one) or <c>User.Photos</c> (to-many), with the key pairs that join them.
/// </summary>
/// <remarks>
/// Keys may be empty when the model cannot tell them (a navigation defined by a query): the analyser then depends on any
/// row of the target table, which is sound. Immutable.
/// </remarks>
public sealed class AssociationModel
{
    /// <summary>Creates a navigation.</summary>
    /// <param name="member">The navigation member of the owning entity type.</param>
    /// <param name="targetType">The entity type it leads to (the element type for a collection).</param>
    /// <param name="isCollection">Whether it is a to-many navigation.</param>
    /// <param name="thisKeys">The owning entity's members that join (e.g. <c>Photo.UserId</c>); empty when unknown.</param>
    /// <param name="otherKeys">The target entity's members that join (e.g. <c>User.Id</c>), pairwise with <paramref name="thisKeys"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public AssociationModel(MemberInfo member, Type targetType, bool isCollection, IReadOnlyList<MemberInfo> thisKeys, IReadOnlyList<MemberInfo> otherKeys)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(targetType);
        ArgumentNullException.ThrowIfNull(thisKeys);
        ArgumentNullException.ThrowIfNull(otherKeys);
        Member = member;
        TargetType = targetType;
        IsCollection = isCollection;
        ThisKeys = thisKeys;
        OtherKeys = otherKeys;
    }

    /// <summary>Gets the navigation member.</summary>
    public MemberInfo Member { get; }

    /// <summary>Gets the target entity type.</summary>
    public Type TargetType { get; }

    /// <summary>Gets whether the navigation is to-many.</summary>
    public bool IsCollection { get; }

    /// <summary>Gets the members of the owning entity that join (e.g. <c>Photo.UserId</c>).</summary>
    public IReadOnlyList<MemberInfo> ThisKeys { get; }

    /// <summary>Gets the members of the target entity that join (e.g. <c>User.Id</c>).</summary>
    public IReadOnlyList<MemberInfo> OtherKeys { get; }

    /// <summary>Gets whether the join keys are known.</summary>
    public bool HasKeys => ThisKeys.Count > 0 && ThisKeys.Count == OtherKeys.Count;

    /// <summary>
    /// Gets the tables the navigation reads on the way to its target (a many-to-many navigation's join table): a query that
    /// follows it depends on any row of each, a query that does not follow it never reads them. Empty by default.
    /// </summary>
    public IReadOnlyList<TableModel> ThroughTables { get; init; } = [];

    /// <summary>
    /// Gets whether a to-one navigation is optional: a load of it (<c>LoadWith</c>, <c>Include</c>) keeps an owner row whose
    /// target does not exist (an outer join). <see langword="false"/> (the default, the sound assumption) means a load may
    /// drop such rows (linq2db's <c>CanBeNull = false</c>, EF Core's required navigations, followed with an inner join):
    /// the answer then depends on arrivals in the target table beyond the targets of the rows it holds. Not used for
    /// collections, whose loads never drop their owners.
    /// </summary>
    public bool IsOptional { get; init; }

    /// <summary>
    /// Gets the condition the navigation applies beyond its keys, as <c>(owner, target) =&gt; bool</c> (linq2db's
    /// <c>ExpressionPredicate</c>, e.g. <c>(u, p) =&gt; !p.IsDeleted</c>), or <see langword="null"/> when it has none. The
    /// columns it reads, of either end, count as read by every query that follows the navigation, so an update of one of
    /// them (a row flagged deleted) reaches those queries. A condition that uses a row other than through its columns makes
    /// every column of that end count as read.
    /// </summary>
    public LambdaExpression? Condition { get; init; }

    /// <summary>
    /// Gets whether the navigation may read tables beyond its target and <see cref="ThroughTables"/> that the model cannot
    /// name (an association defined by a query CacheBot cannot see into): queries that follow it are not cached.
    /// </summary>
    public bool ReadsUnnamedTables { get; init; }
}

using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// What a cache key holds of a captured value: the analyser asks it before trusting a value that the query reads on the
/// client from an object reached by something other than a plain member chain (<c>list[0].Inner.Id</c>,
/// <c>((Holder)h).Inner.Id</c>): the key hashed that object the way <see cref="ValueHasher"/> hashes it, not the member read.
/// </summary>
internal static class KeyCoverage
{
    /// <summary>Returns whether the key of a value of <paramref name="runtimeType"/> determines <paramref name="member"/>'s value.</summary>
    /// <param name="runtimeType">The runtime type of the object the member is read from.</param>
    /// <param name="member">The field or property read.</param>
    /// <returns><see langword="true"/> for members of scalars (<c>DateTime.Year</c>, <c>string.Length</c>), hashed entity members and collection counts.</returns>
    public static bool Holds(Type runtimeType, MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(runtimeType);
        ArgumentNullException.ThrowIfNull(member);
        if (ScalarValues.IsScalarOrNullable(runtimeType))
        {
            return true;
        }

        return !runtimeType.IsValueType && ValueHasher.For(runtimeType).Holds(member);
    }
}

using System.Collections.Concurrent;
using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Reads a field or property through a compiled accessor, built once per member and cached, and hashes the value without
/// boxing (<see cref="Append"/>) or returns it for the next hop of a closure chain (<see cref="Read"/>).
/// </summary>
/// <remarks>
/// The cache holds one entry per member ever read (closure fields, static members, entity properties): it grows with the
/// code base, not with the data. <see langword="null"/> entries record members that cannot be read (indexers, pointers).
/// </remarks>
internal abstract class MemberValueHasher
{
    private static readonly ConcurrentDictionary<MemberInfo, MemberValueHasher?> Cache = new();

    protected MemberValueHasher(MemberInfo member)
    {
        Member = member;
        IsStatic = member switch
        {
            FieldInfo field => field.IsStatic,
            PropertyInfo property => property.GetMethod?.IsStatic ?? false,
            _ => false,
        };
        IsVolatile = IsStatic && IsClockMember(member);
    }

    /// <summary>Gets the field or property read.</summary>
    public MemberInfo Member { get; }

    /// <summary>Gets a value indicating whether the member is static (read without an instance).</summary>
    public bool IsStatic { get; }

    /// <summary>Gets a value indicating whether the member's value changes on every read (<c>DateTime.Now</c>): never a key.</summary>
    public bool IsVolatile { get; }

    /// <summary>Returns the hasher for <paramref name="member"/>, or <see langword="null"/> when it cannot be read.</summary>
    public static MemberValueHasher? For(MemberInfo member) => Cache.GetOrAdd(member, static m => Create(m));

    /// <summary>Reads the member from <paramref name="instance"/> and hashes the value.</summary>
    public abstract void Append(object? instance, ref HashWalk walk);

    /// <summary>Reads the member from <paramref name="instance"/> (boxes value types: only for value-type hops).</summary>
    public abstract object? Read(object? instance);

    private static MemberValueHasher? Create(MemberInfo member)
    {
        var type = member switch
        {
            FieldInfo field => field.FieldType,
            PropertyInfo property when property.GetMethod is not null && property.GetIndexParameters().Length == 0 => property.PropertyType,
            _ => null,
        };
        if (type is null || type.IsByRef || type.IsByRefLike || type.IsPointer || type.IsFunctionPointer || member.DeclaringType is null)
        {
            return null;
        }

        try
        {
            var factory = typeof(MemberValueHasher).GetMethod(nameof(CreateTyped), BindingFlags.NonPublic | BindingFlags.Static)!;
            return (MemberValueHasher)factory.MakeGenericMethod(type).Invoke(null, [member])!;
        }
        catch (Exception)
        {
            // The accessor cannot be compiled (e.g. an open generic or an exotic member): values of it are unhashable.
            return null;
        }
    }

    private static MemberValueHasher<TValue> CreateTyped<TValue>(MemberInfo member) => new(member);

    private static bool IsClockMember(MemberInfo member)
    {
        var declaringType = member.DeclaringType;
        if (declaringType == typeof(DateTime) || declaringType == typeof(DateTimeOffset))
        {
            return member.Name is "Now" or "UtcNow" or "Today";
        }

        return declaringType == typeof(Environment) && member.Name is "TickCount" or "TickCount64";
    }
}

using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>A <see cref="MemberValueHasher"/> whose member has static type <typeparamref name="TValue"/>.</summary>
/// <typeparam name="TValue">The field or property type.</typeparam>
internal sealed class MemberValueHasher<TValue> : MemberValueHasher
{
    private readonly Func<object?, TValue> _read;

    public MemberValueHasher(MemberInfo member)
        : base(member) => _read = Compile(member, IsStatic);

    public override void Append(object? instance, ref HashWalk walk) => TypedValueHasher<TValue>.Instance.Append(_read(instance), ref walk);

    public override object? Read(object? instance) => _read(instance);

    private static Func<object?, TValue> Compile(MemberInfo member, bool isStatic)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var target = isStatic ? null : Expression.Convert(instance, member.DeclaringType!);
        var body = Expression.MakeMemberAccess(target, member);
        return Expression.Lambda<Func<object?, TValue>>(body, instance).Compile();
    }
}

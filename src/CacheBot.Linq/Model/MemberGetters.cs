using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Model;

/// <summary>Compiles boxing getters for the write side (a write is not the hot path).</summary>
internal static class MemberGetters
{
    public static Func<object, object?> Create(MemberInfo member)
    {
        var instance = Expression.Parameter(typeof(object), "entity");
        var access = Expression.MakeMemberAccess(Expression.Convert(instance, member.DeclaringType!), member);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(access, typeof(object)), instance).Compile();
    }
}

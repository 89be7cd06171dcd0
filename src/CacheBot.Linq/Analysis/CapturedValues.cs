using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Analysis;

/// <summary>Reads values a query captured (constants, and fields and properties of them) without compiling anything.</summary>
internal static class CapturedValues
{
    /// <summary>The value of <paramref name="node"/> when it is a constant or a chain of field and property reads over one; false otherwise.</summary>
    public static bool TryEvaluate(Expression node, out object? value)
    {
        switch (node)
        {
            case ConstantExpression constant:
                value = constant.Value;
                return true;
            case MemberExpression { Member: FieldInfo { IsStatic: true } field }:
                value = field.GetValue(null);
                return true;
            case MemberExpression { Member: FieldInfo field, Expression: { } inner } when TryEvaluate(inner, out var owner) && owner is not null:
                value = field.GetValue(owner);
                return true;
            case MemberExpression { Member: PropertyInfo property, Expression: { } inner } when property.GetIndexParameters().Length == 0
                && TryEvaluate(inner, out var owner) && owner is not null:
                value = property.GetValue(owner);
                return true;
            default:
                value = null;
                return false;
        }
    }
}

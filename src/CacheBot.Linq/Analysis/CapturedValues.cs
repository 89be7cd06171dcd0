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
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked, Method: null } convert
                when IsInteger(convert.Type) && TryEvaluate(convert.Operand, out var operand) && DependencyKeysInteger(operand, out var integer):
                return TryNarrow(integer, convert.Type, out value);
            case BinaryExpression { NodeType: ExpressionType.Add or ExpressionType.Subtract or ExpressionType.AddChecked or ExpressionType.SubtractChecked, Method: null } arithmetic
                when IsInteger(arithmetic.Type) && TryEvaluate(arithmetic.Left, out var left) && TryEvaluate(arithmetic.Right, out var right)
                && DependencyKeysInteger(left, out var l) && DependencyKeysInteger(right, out var r):
                try
                {
                    return TryNarrow(arithmetic.NodeType is ExpressionType.Add or ExpressionType.AddChecked ? checked(l + r) : checked(l - r), arithmetic.Type, out value);
                }
                catch (OverflowException)
                {
                    value = null;
                    return false;
                }

            default:
                value = null;
                return false;
        }
    }

    private static bool IsInteger(Type type) =>
        !type.IsEnum && Type.GetTypeCode(type) is TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.SByte or TypeCode.UInt16 or TypeCode.UInt32;

    private static bool DependencyKeysInteger(object? value, out long integer) => Invalidation.DependencyKeys.TryInteger(value, out integer);

    /// <summary>The integer as a value of <paramref name="type"/>; false when it does not fit (a wrapping conversion is not modelled).</summary>
    private static bool TryNarrow(long integer, Type type, out object? value)
    {
        try
        {
            value = Convert.ChangeType(integer, type, System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }
        catch (OverflowException)
        {
            value = null;
            return false;
        }
    }
}

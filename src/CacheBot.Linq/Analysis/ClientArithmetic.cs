using System.Linq.Expressions;
using System.Numerics;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Applies an operator of a client-side expression (<c>a * 3 + b</c>, <c>b % 2 == 0</c>, <c>"p" + a</c>) to operand values
/// already evaluated, with C#'s semantics: unchecked operators wrap, checked ones and division by zero refuse, lifted
/// operators propagate null. Only built-in operators of the primitive numeric types, <see cref="decimal"/> and
/// <see cref="bool"/>, and string concatenation of operands whose text does not depend on the culture, are applied; anything
/// else is refused (the value is then not known to the analysis, which costs precision, never correctness).
/// </summary>
/// <remarks>The provider evaluates such a subtree on the client with the same values the key holds, so the value found here is the one the query sends.</remarks>
internal static class ClientArithmetic
{
    /// <summary>Applies the binary operator of <paramref name="node"/> to <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static bool TryApply(BinaryExpression node, object? left, object? right, out object? value)
    {
        value = null;
        if (node.Method is not null && node.Method.DeclaringType != typeof(decimal))
        {
            return node.NodeType is ExpressionType.Add && node.Method.DeclaringType == typeof(string) && node.Method.Name == nameof(string.Concat)
                && TryText(left, out var l) && TryText(right, out var r) && Assign(string.Concat(l, r), out value);
        }

        if (left is null || right is null)
        {
            // A lifted operator over null: arithmetic gives null, equality compares the nulls, an ordering is false.
            return node.NodeType switch
            {
                ExpressionType.Equal => Assign(left is null && right is null, out value),
                ExpressionType.NotEqual => Assign(!(left is null && right is null), out value),
                ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual
                    => !node.IsLiftedToNull && Assign(false, out value),
                _ => node.IsLifted,
            };
        }

        if (left.GetType() != right.GetType() && node.NodeType is not (ExpressionType.LeftShift or ExpressionType.RightShift))
        {
            return false;
        }

        try
        {
            value = left switch
            {
                int l => Apply(node.NodeType, l, right),
                long l => Apply(node.NodeType, l, right),
                short l => Apply(node.NodeType, l, right),
                byte l => Apply(node.NodeType, l, right),
                sbyte l => Apply(node.NodeType, l, right),
                ushort l => Apply(node.NodeType, l, right),
                uint l => Apply(node.NodeType, l, right),
                ulong l => Apply(node.NodeType, l, right),
                decimal l => ApplyNumber(node.NodeType, l, (decimal)right),
                double l => ApplyNumber(node.NodeType, l, (double)right),
                float l => ApplyNumber(node.NodeType, l, (float)right),
                bool l when right is bool r => ApplyLogical(node.NodeType, l, r),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException or InvalidCastException)
        {
            value = null;
        }

        return value is not null;
    }

    /// <summary>Applies the unary operator of <paramref name="node"/> (negation, logical or bitwise not, unary plus).</summary>
    public static bool TryApply(UnaryExpression node, object? operand, out object? value)
    {
        value = null;
        if (node.Method is not null || operand is null)
        {
            return operand is null && node.IsLifted && node.NodeType is ExpressionType.Negate or ExpressionType.Not or ExpressionType.UnaryPlus;
        }

        try
        {
            value = (node.NodeType, operand) switch
            {
                (ExpressionType.Not, bool b) => !b,
                (ExpressionType.UnaryPlus, _) when IsNumber(operand) => operand,
                (ExpressionType.Negate, int i) => unchecked(-i),
                (ExpressionType.Negate, long i) => unchecked(-i),
                (ExpressionType.Negate, decimal d) => -d,
                (ExpressionType.Negate, double d) => -d,
                (ExpressionType.Negate, float d) => -d,
                (ExpressionType.NegateChecked, int i) => checked(-i),
                (ExpressionType.NegateChecked, long i) => checked(-i),
                (ExpressionType.Not, int i) => ~i,
                (ExpressionType.Not, long i) => ~i,
                _ => null,
            };
        }
        catch (OverflowException)
        {
            value = null;
        }

        return value is not null;
    }

    private static object? Apply<T>(ExpressionType op, T left, object right)
        where T : IBinaryInteger<T>
    {
        if (op is ExpressionType.LeftShift or ExpressionType.RightShift)
        {
            return right is int count ? (op == ExpressionType.LeftShift ? left << count : left >> count) : null;
        }

        var r = (T)right;
        return op switch
        {
            ExpressionType.And => left & r,
            ExpressionType.Or => left | r,
            ExpressionType.ExclusiveOr => left ^ r,
            _ => ApplyNumber(op, left, r),
        };
    }

    private static object? ApplyNumber<T>(ExpressionType op, T left, T right)
        where T : INumber<T> => op switch
        {
            ExpressionType.Add => unchecked(left + right),
            ExpressionType.AddChecked => checked(left + right),
            ExpressionType.Subtract => unchecked(left - right),
            ExpressionType.SubtractChecked => checked(left - right),
            ExpressionType.Multiply => unchecked(left * right),
            ExpressionType.MultiplyChecked => checked(left * right),
            ExpressionType.Divide => left / right,
            ExpressionType.Modulo => left % right,
            ExpressionType.Equal => left == right,
            ExpressionType.NotEqual => left != right,
            ExpressionType.LessThan => left < right,
            ExpressionType.LessThanOrEqual => left <= right,
            ExpressionType.GreaterThan => left > right,
            ExpressionType.GreaterThanOrEqual => left >= right,
            _ => null,
        };

    private static object? ApplyLogical(ExpressionType op, bool left, bool right) => op switch
    {
        ExpressionType.AndAlso or ExpressionType.And => left & right,
        ExpressionType.OrElse or ExpressionType.Or => left | right,
        ExpressionType.ExclusiveOr => left ^ right,
        ExpressionType.Equal => left == right,
        ExpressionType.NotEqual => left != right,
        _ => null,
    };

    /// <summary>The text concatenation gives a value: strings and chars as they are, null as empty, booleans, and non-negative integers (whose digits no culture changes).</summary>
    private static bool TryText(object? operand, out string? text)
    {
        text = operand switch
        {
            null => string.Empty,
            string s => s,
            char c => c.ToString(),
            bool b => b ? bool.TrueString : bool.FalseString,
            int i when i >= 0 => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            long i when i >= 0 => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            short i when i >= 0 => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            byte i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ushort i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            uint i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ulong i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        return text is not null;
    }

    private static bool IsNumber(object operand) => operand is int or long or short or byte or sbyte or ushort or uint or ulong or decimal or double or float;

    private static bool Assign(object result, out object? value)
    {
        value = result;
        return true;
    }
}

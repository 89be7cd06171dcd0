using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Analysis;

/// <summary>Client-side values: constants, captured variables, static members and known-pure calls over them.</summary>
internal sealed partial class QueryAnalyzer
{
    /// <summary>
    /// Evaluates an expression that does not depend on a lambda parameter. The key hasher reads the same members, so a
    /// value found here is one the cache key holds. Non-deterministic members refuse the query.
    /// </summary>
    private bool TryEvaluate(Expression node, out object? value)
    {
        value = null;
        switch (node)
        {
            case ConstantExpression constant:
                value = constant.Value;
                return true;

            case MemberExpression member:
            {
                if (IsNonDeterministic(member.Member))
                {
                    Refuse(RefusalReason.NonDeterministic, member.Member.DeclaringType?.Name + "." + member.Member.Name + " changes between runs");
                    return false;
                }

                object? instance = null;
                if (member.Expression is not null && (!TryEvaluate(member.Expression, out instance) || instance is null))
                {
                    return false;
                }

                switch (member.Member)
                {
                    case FieldInfo field:
                        value = field.GetValue(instance);
                        return true;
                    case PropertyInfo property when property.GetIndexParameters().Length == 0:
                        value = property.GetValue(instance);
                        return true;
                    default:
                        return false;
                }
            }

            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs, Method: null } unary:
                return IsEqualityPreserving(unary.Operand.Type, unary.Type) && TryEvaluate(unary.Operand, out value);

            case NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array:
            {
                var items = new object?[array.Expressions.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    if (!TryEvaluate(array.Expressions[i], out items[i]))
                    {
                        return false;
                    }
                }

                value = items;
                return true;
            }

            case MethodCallExpression call:
                return TryEvaluateCall(call, out value);

            default:
                return false;
        }
    }

    private bool TryEvaluateCall(MethodCallExpression call, out object? value)
    {
        value = null;
        if (IsNonDeterministic(call.Method))
        {
            Refuse(RefusalReason.NonDeterministic, call.Method.DeclaringType?.Name + "." + call.Method.Name + "() changes between runs");
            return false;
        }

        if (Determinism.IsCultureSensitive(call.Method) && !ParameterFinder.References(call))
        {
            Refuse(RefusalReason.NonDeterministic, call.Method.DeclaringType?.Name + "." + call.Method.Name + " depends on the current culture");
            return false;
        }

        if (!Determinism.IsKnownPure(call.Method) || call.Method.DeclaringType == typeof(Queryable) || call.Method.DeclaringType == typeof(Enumerable))
        {
            return false;
        }

        object? instance = null;
        if (call.Object is not null && (!TryEvaluate(call.Object, out instance) || instance is null))
        {
            return false;
        }

        var args = new object?[call.Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            if (!TryEvaluate(call.Arguments[i], out args[i]))
            {
                return false;
            }
        }

        value = call.Method.Invoke(instance, args);
        return true;
    }

    private bool IsNonDeterministic(MemberInfo member) =>
        Determinism.IsNonDeterministic(member) || (_dialect?.IsNonDeterministic(member) ?? false);
}

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
        // Only the outermost evaluations are what the analysis sees (nested ones only build their value): those are recorded.
        _evaluationDepth++;
        bool evaluated;
        try
        {
            evaluated = TryEvaluateValue(node, out value);
        }
        finally
        {
            _evaluationDepth--;
        }

        if (_evaluationDepth == 0)
        {
            _evaluations?.Add(new ClientEvaluation(node, evaluated, value));
        }

        return evaluated;
    }

    private bool TryEvaluateValue(Expression node, out object? value)
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
                    Refuse(RefusalReason.NonDeterministic, Determinism.Describe(member.Member) + " is not deterministic");
                    return false;
                }

                object? instance = null;
                if (member.Expression is not null && (!TryEvaluate(member.Expression, out instance) || instance is null))
                {
                    return false;
                }

                if (member.Expression is not null && !ClientExpression.IsValueChain(member.Expression)
                    && !Keys.KeyCoverage.Holds(instance!.GetType(), member.Member))
                {
                    // list[0].Inner, ((Holder)h).Inner: the key hashed the object (shallowly), not this member of it.
                    Refuse(RefusalReason.NonDeterministic, Determinism.Describe(member.Member) + " is read on the client from a value the cache key does not hold");
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

            case BinaryExpression { NodeType: ExpressionType.ArrayIndex } index:
                if (TryEvaluate(index.Left, out var indexed) && indexed is Array elements && TryEvaluate(index.Right, out var position) && position is int at
                    && at >= 0 && at < elements.Length)
                {
                    value = elements.GetValue(at);
                    return true;
                }

                return false;

            case BinaryExpression { NodeType: ExpressionType.Coalesce, Conversion: null } coalesce:
                if (!TryEvaluate(coalesce.Left, out var left))
                {
                    return false;
                }

                if (left is not null)
                {
                    value = left;
                    return true;
                }

                return TryEvaluate(coalesce.Right, out value);

            case NewExpression { Constructor: { } constructor } created when constructor.DeclaringType is { } type && Determinism.IsTrustedType(type):
            {
                // new DateTime(2024, 1, 1): a framework constructor of values the key holds.
                var args = new object?[created.Arguments.Count];
                for (var i = 0; i < args.Length; i++)
                {
                    if (!TryEvaluate(created.Arguments[i], out args[i]))
                    {
                        return false;
                    }
                }

                value = constructor.Invoke(args);
                return true;
            }

            case ConditionalExpression conditional:
                return TryEvaluate(conditional.Test, out var test) && test is bool branch
                    && TryEvaluate(branch ? conditional.IfTrue : conditional.IfFalse, out value);

            case BinaryExpression binary:
                // a * 3 + b, b % 2 == 0, "p" + a: built-in operators over values the key holds (concatenation boxes its
                // operands: the text of the value is what counts, which ClientArithmetic decides).
                return TryEvaluate(Unboxed(binary, binary.Left), out var leftOperand) && TryEvaluate(Unboxed(binary, binary.Right), out var rightOperand)
                    && ClientArithmetic.TryApply(binary, leftOperand, rightOperand, out value);

            case UnaryExpression { NodeType: ExpressionType.Negate or ExpressionType.NegateChecked or ExpressionType.Not or ExpressionType.UnaryPlus } unary:
                return TryEvaluate(unary.Operand, out var unaryOperand) && ClientArithmetic.TryApply(unary, unaryOperand, out value);

            default:
                return false;
        }
    }

    /// <summary>The operand of a string concatenation without its boxing conversion; any other operand as it is.</summary>
    private static Expression Unboxed(BinaryExpression binary, Expression operand) =>
        binary.Method?.DeclaringType == typeof(string) && operand is UnaryExpression { NodeType: ExpressionType.Convert, Method: null } box
            && box.Type == typeof(object) ? box.Operand : operand;

    /// <summary>
    /// Returns whether a client-side call (one that reads no row) gives a result determined by what the key holds: the method
    /// is known pure, declared by the framework (not user code), and, when it dispatches virtually (an override of
    /// <c>Equals</c>, an interface method), the object it runs on is of a framework type too.
    /// </summary>
    private bool IsTrustedClientCall(MethodCallExpression call)
    {
        var method = call.Method;
        if (!Determinism.IsKnownPure(method) || method.DeclaringType is not { } declaring || !Determinism.IsTrustedType(declaring))
        {
            return false;
        }

        var target = call.Object;
        if (target is null || (!declaring.IsInterface && (!method.IsVirtual || method.IsFinal)))
        {
            return true;
        }

        // Virtual or interface dispatch: the code that runs is the concrete type's (a user override of ToString or Equals).
        if (target.Type.IsValueType || target.Type.IsSealed)
        {
            return Determinism.IsTrustedType(target.Type);
        }

        return TryEvaluate(target, out var instance) && instance is not null && Determinism.IsTrustedType(instance.GetType());
    }

    private bool TryEvaluateCall(MethodCallExpression call, out object? value)
    {
        value = null;
        if (IsNonDeterministic(call.Method))
        {
            Refuse(RefusalReason.NonDeterministic, Determinism.Describe(call.Method) + " is not deterministic");
            return false;
        }

        if (Determinism.IsCultureSensitive(call.Method) && !ParameterFinder.References(call))
        {
            Refuse(RefusalReason.NonDeterministic, Determinism.Describe(call.Method) + " depends on the current culture");
            return false;
        }

        if (call.Method.DeclaringType == typeof(Queryable))
        {
            return false;
        }

        if (call.Method.DeclaringType == typeof(Enumerable))
        {
            // An operator over a captured collection (list.First()), evaluated on the client: only over a value with no
            // lambda arguments (their bodies are not evaluated here).
            if (call.Arguments.Count == 0 || !TryEvaluate(call.Arguments[0], out var sequence) || sequence is IQueryable or null
                || !Determinism.IsTrustedType(sequence.GetType()))
            {
                return false;
            }
        }
        else if (!IsTrustedClientCall(call))
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

using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Keys;

/// <content>
/// Recording a <see cref="KeyPlan"/>: the full walk once more, writing the same bytes as <see cref="Visit"/> and noting a step
/// per node. Nodes the plan does not verify itself become <see cref="KeyPlanStepKind.Walk"/> steps hashed by <see cref="Visit"/>.
/// </content>
internal ref partial struct HashWalk
{
    /// <summary>Nodes deeper than this are recorded as walked subtrees (the depth guard then behaves as in the full walk).</summary>
    private const int MaxPlannedDepth = 100;

    /// <summary>The most lambda parameters a planned lambda has (their by-ref flags are a bit mask).</summary>
    private const int MaxPlannedParameters = 30;

    /// <summary>
    /// Returns whether a tree with this root can have a plan (its root is a node a plan verifies): trees with other roots
    /// (a parameter, a provider's own node) are not recorded at all.
    /// </summary>
    public static bool IsPlannableRoot(Expression root) => root.NodeType switch
    {
        ExpressionType.Call or ExpressionType.Lambda or ExpressionType.Conditional or ExpressionType.Constant or ExpressionType.MemberAccess => true,
        _ => root is UnaryExpression or BinaryExpression,
    };

    /// <summary>Walks <paramref name="node"/> as <see cref="Visit"/> does and appends its steps (pre-order) to <paramref name="steps"/>.</summary>
    public void Record(Expression? node, List<KeyPlanStep> steps)
    {
        if (node is null)
        {
            WriteStructureTag(HashTag.NoNode);
            return;
        }

        KeyPlanChain? chain = null;
        if (_depth >= MaxPlannedDepth || !IsPlannable(node, ref chain))
        {
            var start = _full.Length;
            Visit(node);
            steps.Add(new KeyPlanStep(KeyPlanStepKind.Walk, node.NodeType, null, null, 0, 0, start, _full.Length));
            return;
        }

        _depth++;
        var nodeType = node.NodeType;
        WriteStructure((byte)nodeType);
        WriteType(node.Type);
        switch (nodeType)
        {
            case ExpressionType.Constant:
            {
                var start = _full.Length;
                var value = ((ConstantExpression)node).Value;
                AppendObject(value);
                steps.Add(Step(KeyPlanStepKind.Constant, node, KeyPlanConstant.TryCreate(value), 0, 0, start, _full.Length));
                break;
            }

            case ExpressionType.Parameter:
            {
                var parameter = (ParameterExpression)node;
                _scope.TryFind(parameter, out var depth, out var position);
                steps.Add(Step(KeyPlanStepKind.Node, node, null, depth, position, 0, 0));
                VisitParameter(parameter);
                break;
            }

            case ExpressionType.Lambda:
                RecordLambda((LambdaExpression)node, steps);
                break;

            case ExpressionType.MemberAccess:
                RecordMember((MemberExpression)node, chain, steps);
                break;

            case ExpressionType.Call:
                RecordCall((MethodCallExpression)node, steps);
                break;

            case ExpressionType.Conditional:
                var conditional = (ConditionalExpression)node;
                steps.Add(Step(KeyPlanStepKind.Node, node, null, 0, 0, 0, 0));
                Record(conditional.Test, steps);
                Record(conditional.IfTrue, steps);
                Record(conditional.IfFalse, steps);
                break;

            default:
                RecordOperator(node, steps);
                break;
        }

        _depth--;
    }

    private static KeyPlanStep Step(KeyPlanStepKind kind, Expression node, object? info, int count, int extra, int start, int end) =>
        new(kind, node.NodeType, node.Type, info, count, extra, start, end);

    private readonly bool IsPlannable(Expression node, ref KeyPlanChain? chain)
    {
        switch (node.NodeType)
        {
            case ExpressionType.Constant:
                return node is ConstantExpression;
            case ExpressionType.Parameter:
                return node is ParameterExpression parameter && _scope.TryFind(parameter, out _, out _);
            case ExpressionType.Lambda:
                return node is LambdaExpression lambda && LambdaParameters.Count(lambda) <= MaxPlannedParameters;
            case ExpressionType.MemberAccess:
                if (node is not MemberExpression member)
                {
                    return false;
                }

                if (!IsValueChain(member))
                {
                    return member.Expression is not null;
                }

                chain = TryPlanChain(member);
                return chain is not null;
            case ExpressionType.Call:
                return node is MethodCallExpression;
            case ExpressionType.Conditional:
                return node is ConditionalExpression;
            default:
                // The replay does not read IsLiftedToNull: it follows from the left operand's (or operand's) type, which
                // the operand's own step must therefore verify (a walked operand verifies nothing).
                return !IsMutatingOrStatement(node.NodeType) && node switch
                {
                    BinaryExpression binary => IsVerifiedOperand(binary.Left),
                    UnaryExpression unary => unary.Operand is null || IsVerifiedOperand(unary.Operand),
                    _ => false,
                };
        }
    }

    private readonly bool IsVerifiedOperand(Expression operand)
    {
        KeyPlanChain? ignored = null;
        return _depth + 1 < MaxPlannedDepth && IsPlannable(operand, ref ignored);
    }

    private static KeyPlanChain? TryPlanChain(MemberExpression leaf)
    {
        var leafHasher = MemberValueHasher.For(leaf.Member);
        if (leafHasher is null)
        {
            return null;
        }

        var count = 0;
        var node = leaf.Expression;
        while (node is MemberExpression hop)
        {
            if (++count > KeyPlanChain.MaxHops)
            {
                return null;
            }

            node = hop.Expression;
        }

        var hops = new MemberInfo[count];
        var types = new Type[count];
        var accessors = new MemberValueHasher[count];
        node = leaf.Expression;
        for (var i = count - 1; i >= 0; i--)
        {
            var hop = (MemberExpression)node!;
            var accessor = MemberValueHasher.For(hop.Member);
            if (accessor is null)
            {
                return null;
            }

            hops[i] = hop.Member;
            types[i] = hop.Type;
            accessors[i] = accessor;
            node = hop.Expression;
        }

        return new KeyPlanChain(hops, types, node?.Type, accessors, leafHasher);
    }

    private void RecordLambda(LambdaExpression lambda, List<KeyPlanStep> steps)
    {
        var count = LambdaParameters.Count(lambda);
        var types = new Type[count];
        var byRef = 0;
        for (var i = 0; i < count; i++)
        {
            var parameter = LambdaParameters.Get(lambda, i);
            types[i] = parameter.Type;
            byRef |= parameter.IsByRef ? 1 << i : 0;
        }

        steps.Add(Step(KeyPlanStepKind.Node, lambda, types, count, byRef, 0, 0));
        var mark = EnterLambda(lambda, count);
        Record(lambda.Body, steps);
        ExitLambda(mark);
    }

    private void RecordMember(MemberExpression node, KeyPlanChain? chain, List<KeyPlanStep> steps)
    {
        WriteMember(node.Member);
        if (chain is null)
        {
            steps.Add(Step(KeyPlanStepKind.Node, node, node.Member, 0, 0, 0, 0));
            Record(node.Expression, steps);
            return;
        }

        WriteStructureTag(HashTag.ClosureValue);
        WriteChainStructure(node.Expression);
        var start = _full.Length;
        AppendChainValueGuarded(node);
        steps.Add(Step(KeyPlanStepKind.Chain, node, chain, 0, 0, start, _full.Length));
    }

    private void RecordCall(MethodCallExpression call, List<KeyPlanStep> steps)
    {
        var method = call.Method;
        if (QueryMarkers.IsCache(method))
        {
            _flags |= ExpressionHashFlags.CacheMarker;
        }
        else if (QueryMarkers.IsNoCache(method))
        {
            _flags |= ExpressionHashFlags.NoCacheMarker;
        }

        var arguments = (IArgumentProvider)call;
        var count = arguments.ArgumentCount;
        steps.Add(Step(KeyPlanStepKind.Node, call, method, count, call.Object is null ? 0 : 1, 0, 0));
        WriteMethod(method);
        Record(call.Object, steps);
        WriteStructure(count);
        for (var i = 0; i < count; i++)
        {
            Record(arguments.GetArgument(i), steps);
        }
    }

    private void RecordOperator(Expression node, List<KeyPlanStep> steps)
    {
        if (node is BinaryExpression binary)
        {
            steps.Add(Step(KeyPlanStepKind.Node, node, binary.Method, 0, binary.Conversion is null ? 0 : 1, 0, 0));
            WriteStructure(binary.IsLiftedToNull);
            WriteMethod(binary.Method);
            Record(binary.Left, steps);
            Record(binary.Right, steps);
            Record(binary.Conversion, steps);
            return;
        }

        var unary = (UnaryExpression)node;
        steps.Add(Step(KeyPlanStepKind.Node, node, unary.Method, 0, unary.Operand is null ? 0 : 1, 0, 0));
        WriteStructure(unary.IsLiftedToNull);
        WriteMethod(unary.Method);
        Record(unary.Operand, steps);
    }
}

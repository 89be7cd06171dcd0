using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <content>
/// Replaying a <see cref="KeyPlan"/>: the tree is verified against the plan's steps node by node (reference comparisons of
/// types, methods and members; counts; parameter positions), the recorded structure bytes are copied, and only the
/// values are hashed afresh (constants and unplanned subtrees by the full walk's own code, captured values through the
/// plan's accessors). The stream written is the one <see cref="Visit"/> would write; on any mismatch the replay gives up.
/// </content>
/// <remarks>
/// Not read, because the verified inputs determine them: <see cref="BinaryExpression.IsLiftedToNull"/> (a function of the
/// node type, <see cref="BinaryExpression.Method"/>, the left operand's type and the node's type) and
/// <see cref="UnaryExpression.IsLiftedToNull"/> (node type, method, operand type, type). Every operand's type is verified
/// by its own step, so equal inputs give the recorded flag.
/// </remarks>
internal ref partial struct HashWalk
{
    /// <summary>Writes <paramref name="root"/>'s stream through <paramref name="plan"/>; <see langword="false"/> when the tree does not fit the plan (the walk must then be discarded).</summary>
    public bool TryReplay(Expression root, KeyPlan plan)
    {
        var index = 0;
        var cursor = 0;
        if (!Replay(root, plan, ref index, ref cursor) || index != plan.Steps.Length)
        {
            return false;
        }

        _full.WriteBytes(plan.Stream.AsSpan(cursor));
        _flags |= plan.Flags;
        return true;
    }

    private bool Replay(Expression? node, KeyPlan plan, ref int index, ref int cursor)
    {
        var steps = plan.Steps;
        if (node is null || (uint)index >= (uint)steps.Length)
        {
            return false;
        }

        ref readonly var step = ref steps[index++];
        if (step.Kind == KeyPlanStepKind.Walk)
        {
            Flush(plan, ref cursor, step.Start);
            Visit(node);
            cursor = step.End;
            return true;
        }

        if (node.NodeType != step.NodeType || (!IsTypeImplied(step.NodeType) && !ReferenceEquals(node.Type, step.Type)))
        {
            return false;
        }

        _depth++;
        bool fits;
        switch (step.Kind)
        {
            case KeyPlanStepKind.Constant:
                fits = false;
                if (node is ConstantExpression constant)
                {
                    Flush(plan, ref cursor, step.Start);
                    AppendPlannedConstant(constant.Value, in step);
                    cursor = step.End;
                    fits = true;
                }

                break;
            case KeyPlanStepKind.Chain:
                fits = node is MemberExpression leaf && ReplayChain(leaf, in step, plan, ref cursor);
                break;
            default:
                fits = ReplayNode(node, in step, plan, ref index, ref cursor);
                break;
        }

        _depth--;
        return fits;
    }

    /// <summary>
    /// Returns whether a verified node of this type has the recorded <see cref="Expression.Type"/> without reading it: a
    /// call's type is its method's return type and a member access's is its member's type (sealed in System.Linq.Expressions,
    /// whose constructors of these nodes are internal), and a bound parameter is the very object whose type its lambda's
    /// step verified.
    /// </summary>
    private static bool IsTypeImplied(ExpressionType nodeType) =>
        nodeType is ExpressionType.Call or ExpressionType.MemberAccess or ExpressionType.Parameter;

    private bool ReplayNode(Expression node, in KeyPlanStep step, KeyPlan plan, ref int index, ref int cursor)
    {
        switch (step.NodeType)
        {
            case ExpressionType.Parameter:
                return node is ParameterExpression parameter && _scope.TryFind(parameter, out var depth, out var position)
                    && depth == step.Count && position == step.Extra;
            case ExpressionType.Lambda:
                return node is LambdaExpression lambda && ReplayLambda(lambda, in step, plan, ref index, ref cursor);
            case ExpressionType.MemberAccess:
                return node is MemberExpression member && ReferenceEquals(member.Member, step.Info) && member.Expression is not null && !IsValueChain(member)
                    && Replay(member.Expression, plan, ref index, ref cursor);
            case ExpressionType.Call:
                return node is MethodCallExpression call && ReplayCall(call, in step, plan, ref index, ref cursor);
            case ExpressionType.Conditional:
                return node is ConditionalExpression conditional && Replay(conditional.Test, plan, ref index, ref cursor)
                    && Replay(conditional.IfTrue, plan, ref index, ref cursor)
                    && Replay(conditional.IfFalse, plan, ref index, ref cursor);
            default:
                return ReplayOperator(node, in step, plan, ref index, ref cursor);
        }
    }

    private bool ReplayLambda(LambdaExpression lambda, in KeyPlanStep step, KeyPlan plan, ref int index, ref int cursor)
    {
        var count = LambdaParameters.Count(lambda);
        if (count != step.Count)
        {
            return false;
        }

        var types = Unsafe.As<Type[]>(step.Info!);
        var mark = _scope.Count;
        var level = _lambdaDepth++;
        for (var i = 0; i < count; i++)
        {
            var parameter = LambdaParameters.Get(lambda, i);
            if (!ReferenceEquals(parameter.Type, types[i]) || parameter.IsByRef != ((step.Extra & (1 << i)) != 0)
                || !_scope.TryPush(parameter, level, i))
            {
                return false;
            }
        }

        var fits = Replay(lambda.Body, plan, ref index, ref cursor);
        ExitLambda(mark);
        return fits;
    }

    private bool ReplayCall(MethodCallExpression call, in KeyPlanStep step, KeyPlan plan, ref int index, ref int cursor)
    {
        var arguments = (IArgumentProvider)call;
        var count = arguments.ArgumentCount;
        var instance = call.Object;
        if (!ReferenceEquals(call.Method, step.Info) || count != step.Count || (instance is null) != (step.Extra == 0))
        {
            return false;
        }

        if (instance is not null && !Replay(instance, plan, ref index, ref cursor))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!Replay(arguments.GetArgument(i), plan, ref index, ref cursor))
            {
                return false;
            }
        }

        return true;
    }

    private bool ReplayOperator(Expression node, in KeyPlanStep step, KeyPlan plan, ref int index, ref int cursor)
    {
        if (node is BinaryExpression binary)
        {
            var conversion = binary.Conversion;
            return ReferenceEquals(binary.Method, step.Info) && (conversion is null) == (step.Extra == 0)
                && Replay(binary.Left, plan, ref index, ref cursor)
                && Replay(binary.Right, plan, ref index, ref cursor)
                && (conversion is null || Replay(conversion, plan, ref index, ref cursor));
        }

        if (node is not UnaryExpression unary)
        {
            return false;
        }

        var operand = unary.Operand;
        return ReferenceEquals(unary.Method, step.Info) && (operand is null) == (step.Extra == 0)
            && (operand is null || Replay(operand, plan, ref index, ref cursor));
    }

    private bool ReplayChain(MemberExpression leaf, in KeyPlanStep step, KeyPlan plan, ref int cursor)
    {
        var chain = Unsafe.As<KeyPlanChain>(step.Info!);
        if (!ReferenceEquals(leaf.Member, chain.Leaf.Member))
        {
            return false;
        }

        var hops = chain.Hops;
        var node = leaf.Expression;
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (node is not MemberExpression hop || !ReferenceEquals(hop.Member, hops[i]) || !ReferenceEquals(hop.Type, chain.HopTypes[i]))
            {
                return false;
            }

            node = hop.Expression;
        }

        object? root = null;
        if (chain.RootType is null)
        {
            if (node is not null)
            {
                return false;
            }
        }
        else
        {
            if (node is not ConstantExpression constant || !ReferenceEquals(constant.Type, chain.RootType))
            {
                return false;
            }

            root = constant.Value;
        }

        Flush(plan, ref cursor, step.Start);
        var checkpoint = Save();
        try
        {
            AppendPlannedChainValue(chain, root);
        }
        catch (Exception)
        {
            Restore(checkpoint);
            MarkUnhashable();
        }

        cursor = step.End;
        return true;
    }

    /// <summary>Reads and hashes a captured value as <see cref="AppendChainValue"/> does, through the plan's accessors.</summary>
    private void AppendPlannedChainValue(KeyPlanChain chain, object? root)
    {
        var accessors = chain.HopAccessors;

        // Evaluate's depth guard: it fails before any read when the root-most hop would be too deep.
        if (accessors.Length > 0 && _depth + accessors.Length - 1 >= MaxDepth)
        {
            MarkUnhashable();
            return;
        }

        var instance = root;
        for (var i = 0; i < accessors.Length; i++)
        {
            var accessor = accessors[i];
            if (instance is null && !accessor.IsStatic)
            {
                WriteValueTag(HashTag.NullDereference);
                return;
            }

            if (accessor.IsVolatile)
            {
                MarkUnhashable();
            }

            instance = accessor.Read(instance);
        }

        var leaf = chain.Leaf;
        if (instance is null && !leaf.IsStatic)
        {
            WriteValueTag(HashTag.NullDereference);
            return;
        }

        if (leaf.IsVolatile)
        {
            MarkUnhashable();
        }

        leaf.Append(instance, ref this);
    }

    /// <summary>
    /// Hashes a constant as <see cref="AppendObject"/> does. A value of the composite runtime type seen at recording
    /// (<see cref="KeyPlanConstant"/>) skips the scalar dispatch and the hasher lookup: for such a type
    /// <see cref="AppendObject"/> goes straight to <see cref="AppendComposite"/> with that type's hasher.
    /// </summary>
    private void AppendPlannedConstant(object? value, in KeyPlanStep step)
    {
        if (value is not null && step.Info is KeyPlanConstant seen && ReferenceEquals(value.GetType(), seen.RuntimeType))
        {
            AppendComposite(value, seen.RuntimeType, seen.Hasher);
            return;
        }

        AppendObject(value);
    }

    private void Flush(KeyPlan plan, ref int cursor, int until)
    {
        _full.WriteBytes(plan.Stream.AsSpan(cursor, until - cursor));
        cursor = until;
    }
}

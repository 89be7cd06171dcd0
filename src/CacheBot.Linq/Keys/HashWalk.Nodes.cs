using System.Collections.ObjectModel;
using System.Linq.Expressions;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Keys;

/// <content>The node walk: one <see langword="switch"/> over <see cref="ExpressionType"/>.</content>
internal ref partial struct HashWalk
{
    public void Visit(Expression? node)
    {
        if (node is null)
        {
            WriteStructureTag(HashTag.NoNode);
            return;
        }

        if (_depth >= MaxDepth)
        {
            MarkUnhashable();
            WriteStructureTag(HashTag.TooDeep);
            return;
        }

        _depth++;
        var nodeType = node.NodeType;
        WriteStructure((byte)nodeType);
        WriteType(node.Type);
        switch (nodeType)
        {
            case ExpressionType.Constant:
                AppendObject(((ConstantExpression)node).Value);
                break;
            case ExpressionType.Parameter:
                VisitParameter((ParameterExpression)node);
                break;
            case ExpressionType.Lambda:
                VisitLambda((LambdaExpression)node);
                break;
            case ExpressionType.MemberAccess:
                VisitMember((MemberExpression)node);
                break;
            case ExpressionType.Call:
                VisitCall((MethodCallExpression)node);
                break;
            case ExpressionType.Conditional:
                var conditional = (ConditionalExpression)node;
                Visit(conditional.Test);
                Visit(conditional.IfTrue);
                Visit(conditional.IfFalse);
                break;
            case ExpressionType.New:
                VisitNew((NewExpression)node);
                break;
            case ExpressionType.MemberInit:
                var memberInit = (MemberInitExpression)node;
                VisitNew(memberInit.NewExpression);
                VisitBindings(memberInit.Bindings);
                break;
            case ExpressionType.ListInit:
                var listInit = (ListInitExpression)node;
                VisitNew(listInit.NewExpression);
                VisitInitializers(listInit.Initializers);
                break;
            case ExpressionType.NewArrayInit:
            case ExpressionType.NewArrayBounds:
                VisitList(((NewArrayExpression)node).Expressions);
                break;
            case ExpressionType.Invoke:
                var invocation = (InvocationExpression)node;
                Visit(invocation.Expression);
                VisitArguments(invocation);
                break;
            case ExpressionType.TypeIs:
            case ExpressionType.TypeEqual:
                var typeBinary = (TypeBinaryExpression)node;
                WriteType(typeBinary.TypeOperand);
                Visit(typeBinary.Expression);
                break;
            case ExpressionType.Index:
                var index = (IndexExpression)node;
                WriteMember(index.Indexer);
                Visit(index.Object);
                VisitArguments(index);
                break;
            case ExpressionType.Default:
                break;
            case ExpressionType.Extension:
                VisitExtension(node);
                break;
            default:
                VisitOperator(node);
                break;
        }

        _depth--;
    }

    private void VisitOperator(Expression node)
    {
        if (IsMutatingOrStatement(node.NodeType))
        {
            MarkUnhashable();
        }
        else if (node is BinaryExpression binary)
        {
            WriteStructure(binary.IsLiftedToNull);
            WriteMethod(binary.Method);
            Visit(binary.Left);
            Visit(binary.Right);
            Visit(binary.Conversion);
        }
        else if (node is UnaryExpression unary)
        {
            WriteStructure(unary.IsLiftedToNull);
            WriteMethod(unary.Method);
            Visit(unary.Operand);
        }
        else
        {
            MarkUnhashable();
        }
    }

    private void VisitParameter(ParameterExpression parameter)
    {
        if (_scope.TryFind(parameter, out var depth, out var position))
        {
            WriteStructureTag(HashTag.BoundParameter);
            WriteStructure(depth);
            WriteStructure(position);
        }
        else
        {
            WriteStructureTag(HashTag.FreeParameter);
            WriteStructure(parameter.IsByRef);
            WriteStructureString(parameter.Name);
        }
    }

    private void VisitLambda(LambdaExpression lambda)
    {
        var mark = EnterLambda(lambda, LambdaParameters.Count(lambda));
        Visit(lambda.Body);
        ExitLambda(mark);
    }

    /// <summary>Writes a lambda's parameter list and brings its parameters into scope; returns the scope mark to exit to.</summary>
    private int EnterLambda(LambdaExpression lambda, int count)
    {
        WriteStructure(count);
        var mark = _scope.Count;
        var level = _lambdaDepth++;
        for (var i = 0; i < count; i++)
        {
            var parameter = LambdaParameters.Get(lambda, i);
            WriteType(parameter.Type);
            WriteStructure(parameter.IsByRef);
            if (!_scope.TryPush(parameter, level, i))
            {
                MarkUnhashable();
            }
        }

        return mark;
    }

    private void ExitLambda(int mark)
    {
        _scope.PopTo(mark);
        _lambdaDepth--;
    }

    private void VisitCall(MethodCallExpression call)
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

        WriteMethod(method);
        Visit(call.Object);
        VisitArguments(call);
    }

    private void VisitNew(NewExpression node)
    {
        WriteMethod(node.Constructor);
        VisitArguments(node);
        var members = node.Members;
        if (members is null)
        {
            WriteStructure(-1);
            return;
        }

        WriteStructure(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            WriteMember(members[i]);
        }
    }

    private void VisitBindings(ReadOnlyCollection<MemberBinding> bindings)
    {
        WriteStructure(bindings.Count);
        for (var i = 0; i < bindings.Count; i++)
        {
            var binding = bindings[i];
            WriteStructure((byte)binding.BindingType);
            WriteMember(binding.Member);
            switch (binding)
            {
                case MemberAssignment assignment:
                    Visit(assignment.Expression);
                    break;
                case MemberMemberBinding nested:
                    VisitBindings(nested.Bindings);
                    break;
                case MemberListBinding list:
                    VisitInitializers(list.Initializers);
                    break;
                default:
                    MarkUnhashable();
                    break;
            }
        }
    }

    private void VisitInitializers(ReadOnlyCollection<ElementInit> initializers)
    {
        WriteStructure(initializers.Count);
        for (var i = 0; i < initializers.Count; i++)
        {
            var initializer = initializers[i];
            WriteMethod(initializer.AddMethod);
            VisitArguments(initializer);
        }
    }

    private void VisitArguments(IArgumentProvider arguments)
    {
        // IArgumentProvider: the Arguments collections are created lazily (allocating) for specialised nodes.
        var count = arguments.ArgumentCount;
        WriteStructure(count);
        for (var i = 0; i < count; i++)
        {
            Visit(arguments.GetArgument(i));
        }
    }

    private void VisitList(ReadOnlyCollection<Expression> expressions)
    {
        WriteStructure(expressions.Count);
        for (var i = 0; i < expressions.Count; i++)
        {
            Visit(expressions[i]);
        }
    }

    // Provider-specific nodes (linq2db's SqlQueryRootExpression) are hashed by node type, Type and CLR node type, plus the
    // identity the integration gives them (EF Core's EntityQueryRootExpression: its entity type), which is structure. A
    // presence flag precedes it, so a node with an identity never hashes like one without followed by other bytes.
    private void VisitExtension(Expression node)
    {
        WriteType(node.GetType());
        if (_policy is not null && _policy.TryGetExtensionIdentity(node, out var identity))
        {
            WriteStructure(true);
            WriteStructure(identity);
        }
        else
        {
            WriteStructure(false);
        }
    }

    private static bool IsMutatingOrStatement(ExpressionType nodeType) => nodeType switch
    {
        ExpressionType.Block or ExpressionType.Loop or ExpressionType.Goto or ExpressionType.Label or ExpressionType.Try
            or ExpressionType.Switch or ExpressionType.RuntimeVariables or ExpressionType.Dynamic or ExpressionType.DebugInfo
            or ExpressionType.Assign or ExpressionType.AddAssign or ExpressionType.AddAssignChecked or ExpressionType.AndAssign
            or ExpressionType.DivideAssign or ExpressionType.ExclusiveOrAssign or ExpressionType.LeftShiftAssign
            or ExpressionType.ModuloAssign or ExpressionType.MultiplyAssign or ExpressionType.MultiplyAssignChecked
            or ExpressionType.OrAssign or ExpressionType.PowerAssign or ExpressionType.RightShiftAssign
            or ExpressionType.SubtractAssign or ExpressionType.SubtractAssignChecked or ExpressionType.PreIncrementAssign
            or ExpressionType.PreDecrementAssign or ExpressionType.PostIncrementAssign or ExpressionType.PostDecrementAssign => true,
        _ => false,
    };
}

using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// Prints a query's shape as readable C#-like text with every value replaced by a parameter:
/// <c>Photo.Where(p =&gt; p.UserId == @0 &amp;&amp; p.Status == @1).ToList()</c>.
/// </summary>
/// <remarks>
/// <para>Values never reach the text: constants and captured variables (a member chain that starts at a constant) print
/// as <c>@0</c>, <c>@1</c>, ... in order of appearance, so the text is safe for logs, traces and metrics backends. Table
/// roots print as their table name (through the provider's <see cref="IQueryDialect"/> and <see cref="IEntityModel"/>).</para>
/// <para>Runs on misses and bypasses only (once per new shape) and on <c>Explain()</c>; the text is bounded to
/// <see cref="MaxLength"/> characters. Stateless and thread-safe.</para>
/// </remarks>
internal sealed class ShapeText
{
    /// <summary>The longest text kept; longer shapes end with "...".</summary>
    public const int MaxLength = 600;

    private const int MaxDepth = 64;

    private readonly StringBuilder _text = new();
    private readonly IEntityModel? _model;
    private readonly IQueryDialect? _dialect;
    private int _parameters;

    private ShapeText(IEntityModel? model, IQueryDialect? dialect)
    {
        _model = model;
        _dialect = dialect;
    }

    /// <summary>Prints <paramref name="expression"/>; a sequence query gets a trailing <c>.ToList()</c>.</summary>
    public static string Print(Expression expression, IEntityModel? model, IQueryDialect? dialect, bool sequence)
    {
        var printer = new ShapeText(model, dialect);
        try
        {
            printer.Visit(expression, 0);
            if (sequence)
            {
                printer._text.Append(".ToList()");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // A node the printer does not know how to show must never fail the query: show what was printed.
            printer._text.Append(" ...");
        }

        var text = printer._text;
        return text.Length <= MaxLength ? text.ToString() : text.ToString(0, MaxLength - 3) + "...";
    }

    private void Visit(Expression? node, int depth)
    {
        if (node is null)
        {
            _text.Append("null");
            return;
        }

        if (depth > MaxDepth || _text.Length > MaxLength)
        {
            _text.Append("...");
            return;
        }

        depth++;
        if (IsValue(node))
        {
            // A constant, a captured variable, or anything computed from them alone (new DateTime(2000, 1, 1), list.ToArray()).
            Parameter();
            return;
        }

        switch (node)
        {
            case ConstantExpression constant:
                VisitConstant(constant);
                break;
            case ParameterExpression parameter:
                _text.Append(ParameterName(parameter));
                break;
            case MemberExpression member:
                VisitMember(member, depth);
                break;
            case MethodCallExpression call:
                VisitCall(call, depth);
                break;
            case LambdaExpression lambda:
                VisitLambda(lambda, depth);
                break;
            case BinaryExpression binary:
                VisitBinary(binary, depth);
                break;
            case UnaryExpression unary:
                VisitUnary(unary, depth);
                break;
            case NewExpression created:
                VisitNew(created, depth);
                break;
            case MemberInitExpression init:
                VisitNew(init.NewExpression, depth, bracesFollow: true);
                _text.Append(" { ");
                for (var i = 0; i < init.Bindings.Count; i++)
                {
                    Separator(i);
                    VisitBinding(init.Bindings[i], depth);
                }

                _text.Append(" }");
                break;
            case NewArrayExpression array:
                _text.Append("new[] { ");
                VisitList(array.Expressions, depth);
                _text.Append(" }");
                break;
            case ConditionalExpression conditional:
                _text.Append('(');
                Visit(conditional.Test, depth);
                _text.Append(" ? ");
                Visit(conditional.IfTrue, depth);
                _text.Append(" : ");
                Visit(conditional.IfFalse, depth);
                _text.Append(')');
                break;
            case TypeBinaryExpression typeBinary:
                Visit(typeBinary.Expression, depth);
                _text.Append(" is ").Append(TypeName(typeBinary.TypeOperand));
                break;
            case InvocationExpression invocation:
                Visit(invocation.Expression, depth);
                _text.Append('(');
                VisitList(invocation.Arguments, depth);
                _text.Append(')');
                break;
            case IndexExpression index:
                Visit(index.Object, depth);
                _text.Append('[');
                VisitList(index.Arguments, depth);
                _text.Append(']');
                break;
            case ListInitExpression listInit:
                VisitNew(listInit.NewExpression, depth, bracesFollow: true);
                _text.Append(" { ");
                for (var i = 0; i < listInit.Initializers.Count; i++)
                {
                    Separator(i);
                    VisitList(listInit.Initializers[i].Arguments, depth);
                }

                _text.Append(" }");
                break;
            case DefaultExpression:
                _text.Append("default(").Append(TypeName(node.Type)).Append(')');
                break;
            default:
                if (TryTableRoot(node))
                {
                    break;
                }

                // Extension nodes (an ORM's query root) and statements: their kind, never their contents.
                _text.Append('<').Append(node.NodeType == ExpressionType.Extension ? node.GetType().Name : node.NodeType.ToString()).Append('>');
                break;
        }
    }

    private void VisitConstant(ConstantExpression constant)
    {
        if (constant.Value is IQueryable queryable)
        {
            // A LINQ-to-Objects root (EnumerableQuery) or a captured subquery root: print its table.
            if (!TryTableRoot(constant))
            {
                AppendTable(queryable.ElementType);
            }

            return;
        }

        Parameter();
    }

    private void VisitMember(MemberExpression member, int depth)
    {
        if (IsCaptured(member))
        {
            Parameter();
            return;
        }

        if (member.Expression is null)
        {
            _text.Append(TypeName(member.Member.DeclaringType!));
        }
        else
        {
            Visit(member.Expression, depth);
        }

        _text.Append('.').Append(member.Member.Name);
    }

    private void VisitCall(MethodCallExpression call, int depth)
    {
        if (TryTableRoot(call))
        {
            return;
        }

        var method = call.Method;
        if (QueryMarkers.IsCache(method))
        {
            Visit(call.Arguments[0], depth);
            _text.Append(".Cache(");
            if (call.Arguments[1] is ConstantExpression { Value: string paths })
            {
                // Member paths are part of the query's text, not user data.
                _text.Append('"').Append(paths.Replace("|", "\", \"", StringComparison.Ordinal)).Append('"');
            }

            _text.Append(')');
            return;
        }

        if (QueryMarkers.IsNoCache(method))
        {
            Visit(call.Arguments[0], depth);
            _text.Append(".NoCache()");
            return;
        }

        var first = 0;
        if (call.Object is not null)
        {
            Visit(call.Object, depth);
            _text.Append('.');
        }
        else if (call.Arguments.Count > 0 && method.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), inherit: false))
        {
            Visit(call.Arguments[0], depth);
            _text.Append('.');
            first = 1;
        }
        else
        {
            _text.Append(TypeName(method.DeclaringType!)).Append('.');
        }

        if (method.IsSpecialName && method.Name.StartsWith("get_", StringComparison.Ordinal) && call.Arguments.Count == first)
        {
            _text.Append(method.Name, 4, method.Name.Length - 4);
            return;
        }

        if (method.IsSpecialName && method.Name == "get_Item")
        {
            _text.Length--;
            _text.Append('[');
            VisitList(call.Arguments, depth, first);
            _text.Append(']');
            return;
        }

        _text.Append(method.Name).Append('(');
        VisitList(call.Arguments, depth, first);
        _text.Append(')');
    }

    private void VisitLambda(LambdaExpression lambda, int depth)
    {
        if (lambda.Parameters.Count == 1)
        {
            Visit(lambda.Parameters[0], depth);
        }
        else
        {
            _text.Append('(');
            for (var i = 0; i < lambda.Parameters.Count; i++)
            {
                Separator(i);
                Visit(lambda.Parameters[i], depth);
            }

            _text.Append(')');
        }

        _text.Append(" => ");
        Visit(lambda.Body, depth);
    }

    private void VisitBinary(BinaryExpression binary, int depth)
    {
        if (binary.NodeType == ExpressionType.ArrayIndex)
        {
            Visit(binary.Left, depth);
            _text.Append('[');
            Visit(binary.Right, depth);
            _text.Append(']');
            return;
        }

        VisitOperand(binary.Left, binary.NodeType, depth);
        _text.Append(' ').Append(Operator(binary.NodeType)).Append(' ');
        VisitOperand(binary.Right, binary.NodeType, depth);
    }

    private void VisitOperand(Expression operand, ExpressionType parent, int depth)
    {
        var inner = StripConvert(operand);
        var parenthesise = inner is BinaryExpression { NodeType: not ExpressionType.ArrayIndex } child
            && !(child.NodeType == parent && parent is ExpressionType.AndAlso or ExpressionType.OrElse)
            && Precedence(child.NodeType) <= Precedence(parent);
        if (parenthesise)
        {
            _text.Append('(');
        }

        Visit(operand, depth);
        if (parenthesise)
        {
            _text.Append(')');
        }
    }

    private void VisitUnary(UnaryExpression unary, int depth)
    {
        switch (unary.NodeType)
        {
            case ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Quote or ExpressionType.UnaryPlus:
                // Conversions the compiler inserts (int to int?, enum to int) would only add noise.
                Visit(unary.Operand, depth);
                break;
            case ExpressionType.TypeAs:
                _text.Append('(');
                Visit(unary.Operand, depth);
                _text.Append(" as ").Append(TypeName(unary.Type)).Append(')');
                break;
            case ExpressionType.ArrayLength:
                Visit(unary.Operand, depth);
                _text.Append(".Length");
                break;
            default:
                _text.Append(unary.NodeType switch
                {
                    ExpressionType.Not when unary.Type == typeof(bool) || unary.Type == typeof(bool?) => "!",
                    ExpressionType.Not or ExpressionType.OnesComplement => "~",
                    ExpressionType.Negate or ExpressionType.NegateChecked => "-",
                    _ => unary.NodeType + " ",
                });
                var parenthesise = StripConvert(unary.Operand) is BinaryExpression;
                _text.Append(parenthesise ? "(" : string.Empty);
                Visit(unary.Operand, depth);
                _text.Append(parenthesise ? ")" : string.Empty);
                break;
        }
    }

    private void VisitNew(NewExpression created, int depth, bool bracesFollow = false)
    {
        var anonymous = created.Type.Name.Contains("AnonymousType", StringComparison.Ordinal);
        if (anonymous && created.Members is { } members)
        {
            _text.Append("new { ");
            for (var i = 0; i < created.Arguments.Count; i++)
            {
                Separator(i);
                var argument = created.Arguments[i];
                var inner = StripConvert(argument);
                if (!((inner is MemberExpression m && !IsCaptured(m) && m.Member.Name == members[i].Name)
                    || (inner is ParameterExpression p && ParameterName(p) == members[i].Name)))
                {
                    _text.Append(members[i].Name).Append(" = ");
                }

                Visit(argument, depth);
            }

            _text.Append(" }");
            return;
        }

        _text.Append("new ").Append(TypeName(created.Type));
        if (!bracesFollow || created.Arguments.Count > 0)
        {
            _text.Append('(');
            VisitList(created.Arguments, depth);
            _text.Append(')');
        }
    }

    private void VisitBinding(MemberBinding binding, int depth)
    {
        _text.Append(binding.Member.Name).Append(" = ");
        switch (binding)
        {
            case MemberAssignment assignment:
                Visit(assignment.Expression, depth);
                break;
            default:
                _text.Append("{ ... }");
                break;
        }
    }

    private void VisitList(System.Collections.ObjectModel.ReadOnlyCollection<Expression> items, int depth, int first = 0)
    {
        for (var i = first; i < items.Count; i++)
        {
            Separator(i - first);
            Visit(items[i], depth);
        }
    }

    private bool TryTableRoot(Expression node)
    {
        if (_dialect is not null && _model is not null && _dialect.TryGetTableRoot(node, _model, out var table))
        {
            if (table is not null)
            {
                _text.Append(table.Name);
            }
            else
            {
                AppendTable(Analysis.TypeHelpers.GetSequenceElement(node.Type) ?? node.Type);
            }

            return true;
        }

        return false;
    }

    private void AppendTable(Type elementType) => _text.Append(_model?.GetTable(elementType)?.Name ?? TypeName(elementType));

    private void Parameter() => _text.Append('@').Append(_parameters++);

    private void Separator(int index)
    {
        if (index > 0)
        {
            _text.Append(", ");
        }
    }

    /// <summary>The parameter's name; the compiler's transparent identifiers (joins, <c>let</c>) become <c>t0</c>, <c>t1</c>, ...</summary>
    private static string ParameterName(ParameterExpression parameter)
    {
        const string Transparent = "<>h__TransparentIdentifier";
        var name = parameter.Name;
        if (string.IsNullOrEmpty(name))
        {
            return "x";
        }

        return name.StartsWith(Transparent, StringComparison.Ordinal) ? "t" + name[Transparent.Length..] : name;
    }

    /// <summary>A member chain ending at a constant (a closure field, a captured object's property): one captured value.</summary>
    private static bool IsCaptured(MemberExpression member)
    {
        Expression? node = member;
        while (node is MemberExpression m)
        {
            node = m.Expression;
        }

        return node is ConstantExpression { Value: not IQueryable };
    }

    /// <summary>Whether the node is a value the query receives rather than part of its shape.</summary>
    private static bool IsValue(Expression node)
    {
        if (typeof(IQueryable).IsAssignableFrom(node.Type))
        {
            return false; // a root or a captured subquery: printed as its table
        }

        return node switch
        {
            ConstantExpression => true,
            MemberExpression member => IsCaptured(member),
            UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Negate } unary => IsValue(unary.Operand),
            NewExpression created => !created.Type.Name.Contains("AnonymousType", StringComparison.Ordinal) && AllValues(created.Arguments),
            NewArrayExpression array => AllValues(array.Expressions),
            MethodCallExpression call => call.Arguments.Count + (call.Object is null ? 0 : 1) > 0 && !QueryMarkers.IsMarker(call.Method)
                && (call.Object is null || IsValue(call.Object)) && AllValues(call.Arguments),
            _ => false,
        };
    }

    private static bool AllValues(System.Collections.ObjectModel.ReadOnlyCollection<Expression> nodes)
    {
        foreach (var node in nodes)
        {
            if (!IsValue(node))
            {
                return false;
            }
        }

        return true;
    }

    private static Expression StripConvert(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Quote } unary)
        {
            node = unary.Operand;
        }

        return node;
    }

    private static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var builder = new StringBuilder(tick < 0 ? name : name[..tick]).Append('<');
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            builder.Append(i > 0 ? ", " : string.Empty).Append(TypeName(arguments[i]));
        }

        return builder.Append('>').ToString();
    }

    private static int Precedence(ExpressionType type) => type switch
    {
        ExpressionType.Coalesce => 1,
        ExpressionType.OrElse => 2,
        ExpressionType.AndAlso => 3,
        ExpressionType.Or => 4,
        ExpressionType.ExclusiveOr => 5,
        ExpressionType.And => 6,
        ExpressionType.Equal or ExpressionType.NotEqual => 7,
        ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual
            or ExpressionType.TypeIs => 8,
        ExpressionType.LeftShift or ExpressionType.RightShift => 9,
        ExpressionType.Add or ExpressionType.AddChecked or ExpressionType.Subtract or ExpressionType.SubtractChecked => 10,
        _ => 11,
    };

    private static string Operator(ExpressionType type) => type switch
    {
        ExpressionType.Equal => "==",
        ExpressionType.NotEqual => "!=",
        ExpressionType.AndAlso => "&&",
        ExpressionType.OrElse => "||",
        ExpressionType.And => "&",
        ExpressionType.Or => "|",
        ExpressionType.ExclusiveOr => "^",
        ExpressionType.LessThan => "<",
        ExpressionType.LessThanOrEqual => "<=",
        ExpressionType.GreaterThan => ">",
        ExpressionType.GreaterThanOrEqual => ">=",
        ExpressionType.Add or ExpressionType.AddChecked => "+",
        ExpressionType.Subtract or ExpressionType.SubtractChecked => "-",
        ExpressionType.Multiply or ExpressionType.MultiplyChecked => "*",
        ExpressionType.Divide => "/",
        ExpressionType.Modulo => "%",
        ExpressionType.Coalesce => "??",
        ExpressionType.LeftShift => "<<",
        ExpressionType.RightShift => ">>",
        ExpressionType.Power => "**",
        _ => type.ToString(),
    };
}

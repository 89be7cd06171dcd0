using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using CacheBot.Linq.Providers;
using LinqToDB;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// Finds the values a query filter lambda <c>(row, db) =&gt; ...</c> reads outside the row: member chains rooted at the
/// data-context parameter or at a captured variable or static member, and constants holding mutable objects. Fails when the
/// data-context parameter is used any other way (passed to a method, compared), which CacheBot cannot key.
/// </summary>
internal sealed class FilterValueFinder : ExpressionVisitor
{
    private readonly ParameterExpression? _context;
    private readonly List<(Expression Chain, ParameterExpression? Root, string? Id)> _chains;
    private bool _valid = true;

    private FilterValueFinder(ParameterExpression? context, List<(Expression, ParameterExpression?, string?)> chains)
    {
        _context = context;
        _chains = chains;
    }

    /// <summary>Adds the value chains of <paramref name="filter"/> to <paramref name="chains"/>; returns whether the filter can be keyed.</summary>
    public static bool TryCollect(LambdaExpression filter, List<(Expression Chain, ParameterExpression? Root, string? Id)> chains)
    {
        var finder = new FilterValueFinder(filter.Parameters.Count > 1 ? filter.Parameters[1] : null, chains);
        finder.Visit(filter.Body);
        return finder._valid;
    }

    public override Expression? Visit(Expression? node)
    {
        if (node is null || !_valid)
        {
            return node;
        }

        if (node is MemberExpression or UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs })
        {
            var root = Root(node);
            if (root is null or ConstantExpression || (_context is not null && ReferenceEquals(root, _context)))
            {
                if (node is MemberExpression)
                {
                    _chains.Add((node, _context, root == _context ? PathOf(node) : null));
                    return node;
                }
            }
        }

        return base.Visit(node);
    }

    protected override Expression VisitConstant(ConstantExpression node)
    {
        // A constant holding a mutable object (a list captured as a constant node) is read when the query runs: key it.
        if (node.Value is not null && !KeyValueReader.IsScalar(node.Type) && node.Value is not Type)
        {
            _chains.Add((node, null, null));
        }

        return node;
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        // db.GetTable<T>(): a table root (its rows are read with the query's own data context).
        if (_context is not null && node.Method.DeclaringType == typeof(DataExtensions) && node.Method.Name == nameof(DataExtensions.GetTable)
            && node.Arguments.Count == 1 && StripConvert(node.Arguments[0]) == _context)
        {
            return node;
        }

        return base.VisitMethodCall(node);
    }

    protected override Expression VisitParameter(ParameterExpression node)
    {
        if (ReferenceEquals(node, _context))
        {
            _valid = false; // the data context itself, not one of its values
        }

        return node;
    }

    private static Expression? Root(Expression node)
    {
        var current = node;
        while (true)
        {
            switch (current)
            {
                case MemberExpression member:
                    if (member.Expression is null)
                    {
                        return null;
                    }

                    current = member.Expression;
                    break;
                case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs, Method: null } conversion:
                    current = conversion.Operand;
                    break;
                default:
                    return current is ParameterExpression or ConstantExpression ? current : Expression.Empty();
            }
        }
    }

    private static Expression StripConvert(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } unary)
        {
            node = unary.Operand;
        }

        return node;
    }

    private static string? PathOf(Expression node)
    {
        var path = new StringBuilder();
        for (var current = node; current is not ParameterExpression;)
        {
            switch (current)
            {
                case MemberExpression member:
                    path.Append(CultureInfo.InvariantCulture, $"{member.Member.Module.ModuleVersionId}:{member.Member.MetadataToken}/");
                    current = member.Expression!;
                    break;
                case UnaryExpression unary:
                    path.Append(CultureInfo.InvariantCulture, $"({unary.Type.AssemblyQualifiedName})/");
                    current = unary.Operand;
                    break;
                default:
                    return null; // not a path: never deduplicated
            }
        }

        return path.ToString();
    }
}

using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>Finds whether an expression reads a lambda parameter (then it runs per row, on the server or in memory; else on the client).</summary>
internal sealed class ParameterFinder : ExpressionVisitor
{
    private readonly ParameterExpression? _parameter;
    private bool _found;

    private ParameterFinder(ParameterExpression? parameter) => _parameter = parameter;

    public static bool References(Expression node) => References(node, null);

    /// <summary>Whether <paramref name="node"/> reads <paramref name="parameter"/> (any parameter when <see langword="null"/>).</summary>
    public static bool References(Expression node, ParameterExpression? parameter)
    {
        var finder = new ParameterFinder(parameter);
        finder.Visit(node);
        return finder._found;
    }

    public override Expression? Visit(Expression? node) => _found ? node : base.Visit(node);

    protected override Expression VisitParameter(ParameterExpression node)
    {
        _found |= _parameter is null || node == _parameter;
        return node;
    }

    protected override Expression VisitExtension(Expression node) => node;
}

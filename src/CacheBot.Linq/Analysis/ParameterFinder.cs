using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>Finds whether an expression reads a lambda parameter (then it runs per row, on the server or in memory; else on the client).</summary>
internal sealed class ParameterFinder : ExpressionVisitor
{
    private bool _found;

    private ParameterFinder()
    {
    }

    public static bool References(Expression node)
    {
        var finder = new ParameterFinder();
        finder.Visit(node);
        return finder._found;
    }

    public override Expression? Visit(Expression? node) => _found ? node : base.Visit(node);

    protected override Expression VisitParameter(ParameterExpression node)
    {
        _found = true;
        return node;
    }

    protected override Expression VisitExtension(Expression node) => node;
}

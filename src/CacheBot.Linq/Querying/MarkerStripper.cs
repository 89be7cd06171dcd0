using System.Linq.Expressions;

namespace CacheBot.Linq.Querying;

/// <summary>Removes CacheBot markers (and reads the <c>Cache(...)</c> choices) before the inner provider sees the tree.</summary>
internal sealed class MarkerStripper : ExpressionVisitor
{
    private MarkerStripper()
    {
    }

    public string? Paths { get; private set; }

    public long TimeToLiveTicks { get; private set; }

    public bool SharedResults { get; private set; }

    /// <summary>Gets the expression without markers (set by <see cref="Run"/>).</summary>
    public Expression Stripped { get; private set; } = null!;

    public static Expression Strip(Expression expression) => Run(expression).Stripped;

    /// <summary>Strips the markers and reads the choices of the outermost <c>Cache(...)</c> marker in one pass.</summary>
    public static MarkerStripper Run(Expression expression)
    {
        var stripper = new MarkerStripper();
        stripper.Stripped = stripper.Visit(expression);
        return stripper;
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (QueryMarkers.IsCache(node.Method))
        {
            if (Paths is null && node.Arguments[1] is ConstantExpression { Value: string paths })
            {
                Paths = paths;
            }

            if (TimeToLiveTicks == 0 && node.Arguments[2] is ConstantExpression { Value: long ticks })
            {
                TimeToLiveTicks = ticks;
            }

            SharedResults |= node.Arguments[3] is ConstantExpression { Value: true };
            return Visit(node.Arguments[0]);
        }

        if (QueryMarkers.IsNoCache(node.Method))
        {
            return Visit(node.Arguments[0]);
        }

        return base.VisitMethodCall(node);
    }
}

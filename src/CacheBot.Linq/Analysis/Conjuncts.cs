using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>The top-level conjuncts of predicates: every one holds for a row the predicate accepts.</summary>
internal static class Conjuncts
{
    /// <summary>The operands of <paramref name="body"/>'s <c>&amp;&amp;</c> chain (the body itself when it is not one).</summary>
    public static IEnumerable<Expression> Of(Expression body)
    {
        var pending = new Stack<Expression>([body]);
        while (pending.TryPop(out var node))
        {
            if (node is BinaryExpression { NodeType: ExpressionType.AndAlso, Method: null } and)
            {
                pending.Push(and.Right);
                pending.Push(and.Left);
                continue;
            }

            yield return node;
        }
    }

    /// <summary>The conjuncts of the <c>Queryable.Where</c> calls among <paramref name="calls"/>, with each one's row parameter.</summary>
    public static IEnumerable<(Expression Conjunct, ParameterExpression Row)> OfFilters(IEnumerable<MethodCallExpression> calls)
    {
        foreach (var call in calls)
        {
            if (call.Method.Name == nameof(Queryable.Where) && call.Method.DeclaringType == typeof(Queryable)
                && QueryAnalyzer.GetLambda(call.Arguments[1]) is { Parameters: [var row] } lambda)
            {
                foreach (var conjunct in Of(lambda.Body))
                {
                    yield return (conjunct, row);
                }
            }
        }
    }
}

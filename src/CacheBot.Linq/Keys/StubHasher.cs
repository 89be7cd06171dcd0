using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

[Flags] internal enum ExpressionHashFlags { None = 0, CacheMarker = 1, NoCacheMarker = 2, Unhashable = 4 }

internal readonly record struct ExpressionHash(UInt128 Full, UInt128 Shape, ExpressionHashFlags Flags);

internal interface IKeyHashPolicy
{
    bool HashByTypeOnly(Type type);
}

internal static class ExpressionHasher
{
    public static ExpressionHash Hash(Expression expression, IKeyHashPolicy? policy = null)
    {
        _ = policy;
        var flags = ExpressionHashFlags.None;
        new Finder(f => flags |= f).Visit(expression);
        var partial = evaluator(expression);
        return new ExpressionHash(partial, partial, flags);
    }

    private static UInt128 evaluator(Expression e) => System.IO.Hashing.XxHash128.HashToUInt128(System.Text.Encoding.UTF8.GetBytes(e.ToString()));

    private sealed class Finder(Action<ExpressionHashFlags> set) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (Querying.QueryMarkers.IsCache(node.Method)) set(ExpressionHashFlags.CacheMarker);
            if (Querying.QueryMarkers.IsNoCache(node.Method)) set(ExpressionHashFlags.NoCacheMarker);
            return base.VisitMethodCall(node);
        }
    }
}

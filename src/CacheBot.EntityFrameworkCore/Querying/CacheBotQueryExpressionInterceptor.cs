using System.Linq.Expressions;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// Removes CacheBot's calls (<c>AsCacheBot()</c>, <c>Cache()</c>, <c>NoCache()</c>) from trees EF compiles itself, such as
/// <c>EF.CompileQuery(db =&gt; db.Photos.AsCacheBot().Cache().Where(...))</c>: compiled queries never reach a query provider,
/// so they run uncached, with the same answers as without CacheBot, instead of failing to translate.
/// </summary>
internal sealed class CacheBotQueryExpressionInterceptor : IQueryExpressionInterceptor
{
    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) =>
        new Stripper().Visit(queryExpression);

    private sealed class Stripper : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var type = node.Method.DeclaringType;
            if ((type == typeof(CacheBotEntityFrameworkCoreExtensions) || type == typeof(CacheBotQueryableExtensions)) && node.Arguments.Count > 0
                && node.Arguments[0].Type.IsAssignableTo(node.Type))
            {
                return Visit(node.Arguments[0]);
            }

            return base.VisitMethodCall(node);
        }
    }
}

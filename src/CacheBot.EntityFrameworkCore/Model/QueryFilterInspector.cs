using System.Collections;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// What an entity type's global query filters read besides the row: the DbContext (a tenant id: its value changes per
/// context, so the same expression returns different rows) or other tables (navigations, subqueries).
/// </summary>
/// <remarks>
/// EF Core applies filters at compilation, outside the expression CacheBot keys and analyses. A filter that reads only the
/// row's own columns and constants only narrows the rows a query returns, so dependencies computed without it stay sound;
/// one that reads other tables needs those tables as dependencies (CacheBot adds every table of the model); one that reads
/// the context makes the entity uncacheable (its value is not in the key).
/// </remarks>
internal static class QueryFilterInspector
{
    public static (bool ReadsContext, bool ReadsTables) Inspect(IEntityType entityType)
    {
        var readsContext = false;
        var readsTables = false;
        foreach (var filter in entityType.GetRootType().GetDeclaredQueryFilters())
        {
            if (filter.Expression is not { } lambda)
            {
                continue;
            }

            var visitor = new Visitor(entityType.Model);
            visitor.Visit(lambda.Body);
            readsContext |= visitor.ReadsContext;
            readsTables |= visitor.ReadsTables;
        }

        return (readsContext, readsTables);
    }

    private sealed class Visitor(IModel model) : ExpressionVisitor
    {
        public bool ReadsContext { get; private set; }

        public bool ReadsTables { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (node is null)
            {
                return null;
            }

            if (typeof(DbContext).IsAssignableFrom(node.Type))
            {
                ReadsContext = true;
            }

            if (node.NodeType == ExpressionType.Extension || (node is MemberExpression or MethodCallExpression && IsTableValued(node.Type)))
            {
                ReadsTables = true;
            }

            return base.Visit(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is DbContext)
            {
                ReadsContext = true;
            }

            return node;
        }

        private bool IsTableValued(Type type)
        {
            if (typeof(IQueryable).IsAssignableFrom(type))
            {
                return true;
            }

            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType)
            {
                type = type.GetGenericArguments()[0];
            }

            return model.FindEntityType(type) is not null;
        }
    }
}

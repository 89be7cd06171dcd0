using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>Classifies expressions a provider evaluates on the client (no row parameter, no subquery) and value chains.</summary>
internal static class ClientExpression
{
    /// <summary>
    /// Returns whether <paramref name="node"/> is a constant or a chain of member reads rooted at a constant or a static member:
    /// the key reads such a chain's final value itself (<c>closure.holder.Id</c>).
    /// </summary>
    public static bool IsValueChain(Expression node)
    {
        Expression? current = node;
        while (current is MemberExpression member)
        {
            current = member.Expression;
        }

        return current is null or ConstantExpression;
    }

    /// <summary>
    /// Returns whether <paramref name="node"/> is evaluated on the client as a whole: it reads no lambda parameter that it does
    /// not bind itself, holds no query (<see cref="IQueryable"/>) and no provider-specific node.
    /// </summary>
    public static bool IsClientOnly(Expression node) => !Finder.FindsServerPart(node);

    private sealed class Finder : ExpressionVisitor
    {
        private readonly HashSet<ParameterExpression> _bound = [];
        private bool _found;

        public static bool FindsServerPart(Expression node)
        {
            var finder = new Finder();
            finder.Visit(node);
            return finder._found;
        }

        public override Expression? Visit(Expression? node)
        {
            if (_found || node is null)
            {
                return node;
            }

            if (typeof(IQueryable).IsAssignableFrom(node.Type))
            {
                _found = true;
                return node;
            }

            return base.Visit(node);
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            foreach (var parameter in node.Parameters)
            {
                _bound.Add(parameter);
            }

            return base.VisitLambda(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= !_bound.Contains(node);
            return node;
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            _found |= node.Value is IQueryable;
            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            _found = true;
            return node;
        }
    }
}

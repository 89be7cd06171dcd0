using System.Linq.Expressions;
using CacheBot.Linq.Providers;
using LinqToDB;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// The entity types an association reads beyond its keys, from the query that defines it (<c>QueryExpressionMethod</c>,
/// <c>ExpressionQuery</c>) and its extra predicate (<c>ExpressionPredicate</c>): every
/// <c>GetTable&lt;T&gt;()</c> in its expression, every table captured in it, and the targets of the navigations it follows
/// (their own queries too). <see langword="null"/> when the expression reads anything else that yields rows (a method
/// CacheBot cannot see into, a table function, raw SQL): then the tables cannot be named.
/// </summary>
internal static class AssociationQueryReads
{
    /// <summary>Returns the entity types the association's query reads, or null when they cannot be named.</summary>
    public static List<Type>? Find(Linq2DbEntityModel model, Type owner, AssociationDescriptor association)
    {
        var found = new List<Type>();
        return Collect(model, owner, association, found, new HashSet<AssociationDescriptor>(ReferenceEqualityComparer.Instance)) ? found : null;
    }

    private static bool Collect(Linq2DbEntityModel model, Type owner, AssociationDescriptor association, List<Type> found, HashSet<AssociationDescriptor> visiting)
    {
        if (!visiting.Add(association))
        {
            return true; // a cycle: its tables are being collected already
        }

        var target = association.GetElementType();
        Add(found, target);
        var visitor = new Visitor(model, found, visiting);
        if ((association.Predicate as LambdaExpression ?? association.GetPredicate(owner, target) as LambdaExpression) is { } predicate)
        {
            // An extra predicate may read tables too (a subquery over a captured table).
            visitor.Visit(predicate.Body);
        }

        if (association.HasQueryMethod())
        {
            var query = association.ExpressionQuery as LambdaExpression ?? association.GetQueryMethod(owner, target) as LambdaExpression;
            if (query is null)
            {
                return false;
            }

            visitor.Visit(query.Body);
        }

        return !visitor.Unnamed;
    }

    private static void Add(List<Type> found, Type type)
    {
        if (!found.Contains(type))
        {
            found.Add(type);
        }
    }

    private sealed class Visitor(Linq2DbEntityModel model, List<Type> found, HashSet<AssociationDescriptor> visiting) : ExpressionVisitor
    {
        public bool Unnamed { get; private set; }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var method = node.Method;
            if (method.Name == nameof(DataExtensions.GetTable) && method.IsGenericMethod && method.GetGenericArguments() is [var entity])
            {
                Add(found, entity);
            }
            else if (YieldsRows(node.Type) && !IsQueryOperator(method.DeclaringType))
            {
                // A method that returns rows from somewhere CacheBot cannot see (a helper, a table function, FromSql).
                Unnamed = true;
            }

            return base.VisitMethodCall(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IQueryable queryable)
            {
                if (IsTable(queryable))
                {
                    Add(found, queryable.ElementType);
                }
                else
                {
                    Unnamed = true;
                }
            }

            return base.VisitConstant(node);
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            // A navigation inside the query: its target (and what its own query reads).
            if (node.Expression is { } owner && EntityTypes.IsCandidate(owner.Type) && model.GetDescriptor(owner.Type) is { } descriptor
                && descriptor.Associations.FirstOrDefault(a => a.MemberInfo == node.Member || a.MemberInfo.Name == node.Member.Name) is { } association
                && !Collect(model, owner.Type, association, found, visiting))
            {
                Unnamed = true;
            }
            else if (node.Expression is null && typeof(IQueryable).IsAssignableFrom(node.Type))
            {
                Unnamed = true; // a static member that holds a query
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitExtension(Expression node)
        {
            Unnamed = true;
            return node;
        }

        private static bool IsTable(IQueryable queryable) =>
            queryable.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITable<>));

        private static bool YieldsRows(Type type) =>
            type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

        private static bool IsQueryOperator(Type? type) =>
            type == typeof(Queryable) || type == typeof(Enumerable) || type == typeof(LinqExtensions) || type == typeof(Sql);
    }
}

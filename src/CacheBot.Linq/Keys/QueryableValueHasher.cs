using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Hashes a captured <see cref="IQueryable"/>: a query root whose expression is a constant of itself (LINQ-to-Objects'
/// <c>EnumerableQuery</c> over a list) by its object identity, any other query (a captured subquery) by walking its
/// expression, whose structure then belongs to the outer tree's shape.
/// </summary>
internal sealed class QueryableValueHasher : ValueHasher
{
    public static readonly QueryableValueHasher Instance = new();

    private QueryableValueHasher()
    {
    }

    public override void AppendBoxed(object value, ref HashWalk walk)
    {
        var expression = ((IQueryable)value).Expression;
        if (expression is ConstantExpression constant && ReferenceEquals(constant.Value, value))
        {
            walk.WriteValueTag(HashTag.Identity);
            walk.WriteIdentity(value);
            return;
        }

        if (walk.IsValueOnly)
        {
            // A subquery inside a collection or an entity would change the query without changing its shape.
            walk.MarkUnhashable();
            return;
        }

        walk.WriteStructureTag(HashTag.Subquery);
        walk.Visit(expression);
    }
}

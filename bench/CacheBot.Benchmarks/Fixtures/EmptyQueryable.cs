using System.Collections;
using System.Linq.Expressions;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// A LINQ source over an empty table whose provider answers without compiling or running anything (sequences are
/// empty, scalars are <c>default</c>). Used to fill a cache with hundreds of thousands of entries quickly: a
/// LINQ-to-Objects miss compiles the query with <c>Expression.Compile</c> (~0.1-1 ms), which would dominate set-up
/// time; CacheBot's own miss path (key, analysis, scheme registration, store) is exercised in full.
/// </summary>
public sealed class EmptyQueryable<T> : IQueryable<T>, IQueryProvider
{
    public EmptyQueryable()
    {
        Expression = Expression.Constant(this);
    }

    private EmptyQueryable(Expression expression)
    {
        Expression = expression;
    }

    public Type ElementType => typeof(T);

    public Expression Expression { get; }

    public IQueryProvider Provider => this;

    public IEnumerator<T> GetEnumerator() => Enumerable.Empty<T>().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public IQueryable CreateQuery(Expression expression) => throw new NotSupportedException("Only generic queries are supported.");

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new EmptyQueryable<TElement>(expression);

    public object? Execute(Expression expression) => throw new NotSupportedException("Only generic queries are supported.");

    public TResult Execute<TResult>(Expression expression) => default!;
}

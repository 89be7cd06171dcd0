using System.Collections;
using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Tests.TestModel;

/// <summary>
/// LINQ-to-Objects like <see cref="EnumerableQuery{T}"/>, but executed through the expression interpreter instead of
/// compiling IL for every query (EnumerableQuery spends milliseconds per execution on compilation, which would make
/// the randomized test run for minutes). <c>Queryable</c> calls are rewritten to their <c>Enumerable</c> twins.
/// </summary>
public sealed class InterpretedQueryable<T> : IOrderedQueryable<T>
{
    private readonly IEnumerable<T>? _source;

    public InterpretedQueryable(IEnumerable<T> source)
    {
        _source = source;
        Expression = Expression.Constant(this);
    }

    internal InterpretedQueryable(Expression expression) => Expression = expression;

    public Type ElementType => typeof(T);

    public Expression Expression { get; }

    public IQueryProvider Provider => InterpretedQueryProvider.Instance;

    internal IEnumerable<T>? Source => _source;

    public IEnumerator<T> GetEnumerator() =>
        _source is not null
            ? _source.GetEnumerator()
            : InterpretedQueryProvider.Run<IEnumerable<T>>(Expression).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal sealed class InterpretedQueryProvider : IQueryProvider
{
    public static readonly InterpretedQueryProvider Instance = new();

    private static readonly ILookup<string, MethodInfo> EnumerableMethods =
        typeof(Enumerable).GetMethods(BindingFlags.Public | BindingFlags.Static).ToLookup(m => m.Name, StringComparer.Ordinal);

    public static TResult Run<TResult>(Expression expression)
    {
        var body = new Rewriter().Visit(expression);
        if (body.Type != typeof(TResult))
        {
            body = Expression.Convert(body, typeof(TResult));
        }

        return Expression.Lambda<Func<TResult>>(body).Compile(preferInterpretation: true)();
    }

    public IQueryable CreateQuery(Expression expression) =>
        (IQueryable)Activator.CreateInstance(
            typeof(InterpretedQueryable<>).MakeGenericType(expression.Type.GetGenericArguments()[0]),
            BindingFlags.NonPublic | BindingFlags.Instance,
            null,
            [expression],
            null)!;

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new InterpretedQueryable<TElement>(expression);

    public object? Execute(Expression expression) => Run<object?>(expression);

    public TResult Execute<TResult>(Expression expression) => Run<TResult>(expression);

    private sealed class Rewriter : ExpressionVisitor
    {
        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IQueryable queryable && queryable.GetType().IsGenericType
                && queryable.GetType().GetGenericTypeDefinition() == typeof(InterpretedQueryable<>))
            {
                var source = queryable.GetType().GetProperty("Source", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(queryable);
                if (source is not null)
                {
                    return Expression.Constant(source, typeof(IEnumerable<>).MakeGenericType(queryable.ElementType));
                }

                return Visit(queryable.Expression);
            }

            return node;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(MemoryExtensions) && node.Method.Name == "Contains" && node.Arguments.Count == 2
                && node.Arguments[0] is MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var array] })
            {
                // C# 14 binds array.Contains(x) to the span overload, which the interpreter cannot call.
                var element = node.Method.GetGenericArguments()[0];
                return Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [element], Visit(array), Visit(node.Arguments[1]));
            }

            if (node.Method.DeclaringType != typeof(Queryable))
            {
                return base.VisitMethodCall(node);
            }

            var args = new Expression[node.Arguments.Count];
            for (var i = 0; i < args.Length; i++)
            {
                var arg = Visit(node.Arguments[i]);
                args[i] = arg is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : arg;
            }

            var typeArgs = node.Method.IsGenericMethod ? node.Method.GetGenericArguments() : [];
            foreach (var candidate in EnumerableMethods[node.Method.Name])
            {
                if (candidate.GetParameters().Length != args.Length || candidate.IsGenericMethod != node.Method.IsGenericMethod
                    || (candidate.IsGenericMethod && candidate.GetGenericArguments().Length != typeArgs.Length))
                {
                    continue;
                }

                var method = candidate.IsGenericMethod ? candidate.MakeGenericMethod(typeArgs) : candidate;
                var parameters = method.GetParameters();
                var fits = true;
                for (var i = 0; i < args.Length && fits; i++)
                {
                    fits = parameters[i].ParameterType.IsAssignableFrom(args[i].Type);
                }

                if (fits)
                {
                    return Expression.Call(method, args);
                }
            }

            throw new NotSupportedException("no Enumerable twin for Queryable." + node.Method.Name);
        }
    }
}

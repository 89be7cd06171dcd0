using System.Linq.Expressions;

namespace CacheBot.Linq.Querying;

/// <summary>
/// Turns calls of the public <c>Cache(...)</c>/<c>NoCache()</c> operators written inside a lambda body (a compiled query, where
/// they are never executed) into the markers the read path reads, as executing them on a CacheBot query would.
/// </summary>
/// <remarks>
/// The operators' arguments (options, paths) are evaluated once, here: they must not depend on the lambda's parameters.
/// </remarks>
internal sealed class MarkerCallBinder : ExpressionVisitor
{
    private readonly IReadOnlyCollection<ParameterExpression> _parameters;

    private MarkerCallBinder(IReadOnlyCollection<ParameterExpression> parameters) => _parameters = parameters;

    public static Expression Bind(Expression body, IReadOnlyCollection<ParameterExpression> parameters) => new MarkerCallBinder(parameters).Visit(body);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var method = node.Method;
        if (method.DeclaringType != typeof(CacheBotQueryableExtensions) || !method.IsPublic
            || method.Name is not (nameof(CacheBotQueryableExtensions.Cache) or nameof(CacheBotQueryableExtensions.NoCache)))
        {
            return base.VisitMethodCall(node);
        }

        var element = method.GetGenericArguments()[0];
        var source = Visit(node.Arguments[0]);
        if (method.Name == nameof(CacheBotQueryableExtensions.NoCache))
        {
            return CacheBotQueryableExtensions.NoCacheMarkerCall(element, source);
        }

        if (node.Arguments.Count == 1)
        {
            return CacheBotQueryableExtensions.CacheMarkerCall(element, source, null, null);
        }

        var argument = Evaluate(node.Arguments[1]);
        return argument switch
        {
            CacheQueryOptions options => CacheBotQueryableExtensions.CacheMarkerCall(element, source, null, options),
            string[] names => CacheBotQueryableExtensions.CacheMarkerCall(element, source, Array.ConvertAll(names, n => CachePaths.FromString(n, element)), null),
            LambdaExpression[] lambdas => CacheBotQueryableExtensions.CacheMarkerCall(element, source, Array.ConvertAll(lambdas, l => CachePaths.FromLambda(l, element)), null),
            _ => throw new ArgumentException($"Cache({node.Arguments[1].Type.Name}) inside a compiled query: the argument evaluated to null.", nameof(node)),
        };
    }

    private object? Evaluate(Expression argument)
    {
        if (ParameterFinder.Uses(argument, _parameters))
        {
            throw new ArgumentException(
                "Cache(...) inside a compiled query takes options and paths that do not depend on the query's parameters: they are read once, when the query is compiled.",
                nameof(argument));
        }

        return argument is ConstantExpression constant ? constant.Value : Expression.Lambda(argument).Compile().DynamicInvoke();
    }

    private sealed class ParameterFinder(IReadOnlyCollection<ParameterExpression> parameters) : ExpressionVisitor
    {
        private bool _found;

        public static bool Uses(Expression node, IReadOnlyCollection<ParameterExpression> parameters)
        {
            var finder = new ParameterFinder(parameters);
            finder.Visit(node);
            return finder._found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= parameters.Contains(node);
            return node;
        }
    }
}

using System.Linq.Expressions;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using LinqToDB;

namespace CacheBot.Linq2Db.Compiled;

/// <summary>
/// What a compiled query's body is, decided once when it is compiled: the body with CacheBot's operators turned into
/// markers, whether a call can be keyed by its parameter values alone (<see cref="KeyedByParameters"/>), whether it opted
/// out (<see cref="NeverCached"/>), and which entity's table gives the linq2db provider that runs it.
/// </summary>
/// <remarks>
/// <para>A body is keyed by its parameters only when nothing else it reads can change between calls: the data context appears
/// only as <c>db.GetTable&lt;T&gt;()</c> (a member such as <c>db.Photos</c> or <c>db.TenantId</c> could read the context's
/// state), every constant is a scalar, a string or null (a captured variable is a constant closure object), and no static
/// field or property is read. Any other body is still cached, but each call hashes its expression with the values bound, as
/// an <c>AsCacheBot()</c> query does (slower, equally sound).</para>
/// </remarks>
internal sealed class CompiledBody
{
    private CompiledBody(Expression body, bool keyed, string? notKeyedBecause, bool neverCached, Type root)
    {
        Body = body;
        KeyedByParameters = keyed;
        NotKeyedBecause = notKeyedBecause;
        NeverCached = neverCached;
        RootEntity = root;
    }

    /// <summary>Gets the body with <c>Cache(...)</c>/<c>NoCache()</c> as markers and <c>AsCacheBot()</c> removed.</summary>
    public Expression Body { get; }

    /// <summary>Gets whether a call's key is the query identity and its parameter values (the fast hit path).</summary>
    public bool KeyedByParameters { get; }

    /// <summary>Gets why the body is keyed by its expression instead, or <see langword="null"/>.</summary>
    public string? NotKeyedBecause { get; }

    /// <summary>Gets whether the body says <c>NoCache()</c>: every call runs uncached.</summary>
    public bool NeverCached { get; }

    /// <summary>Gets an entity type whose table the body reads (its linq2db provider runs the body on a miss).</summary>
    public Type RootEntity { get; }

    public static CompiledBody Inspect(LambdaExpression query, bool sequence)
    {
        ArgumentNullException.ThrowIfNull(query);
        var body = query.Body;
        if (sequence)
        {
            while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } convert && typeof(IQueryable).IsAssignableFrom(convert.Operand.Type))
            {
                body = convert.Operand;
            }
        }
        else if (typeof(IQueryable).IsAssignableFrom(query.Body.Type))
        {
            throw new ArgumentException(
                $"The compiled query's body returns {query.Body.Type.Name}, which would be returned unexecuted. Type the body as IQueryable<T> " +
                "(e.g. cast it: (IQueryable<Photo>)db.GetTable<Photo>().OrderBy(p => p.Id)) so that CacheBotQuery returns its rows as a List<T>, " +
                "or end it with a terminal operator (First, Count, ...).",
                nameof(query));
        }

        var marked = CacheBotQueryContext.BindMarkerCalls(Expression.Lambda(body, query.Parameters));
        var walker = new Walker(query.Parameters[0]);
        var stripped = walker.Visit(marked);
        if (walker.Root is null)
        {
            throw new ArgumentException(
                "The compiled query's body reads no table of its data context: start it from the context's tables, e.g. db.GetTable<Photo>().",
                nameof(query));
        }

        return new CompiledBody(stripped, walker.Reason is null, walker.Reason, NoCacheFinder.Finds(body), walker.Root);
    }

    /// <summary>Finds a <c>NoCache()</c> call in the body as written.</summary>
    private sealed class NoCacheFinder : ExpressionVisitor
    {
        private bool _found;

        public static bool Finds(Expression body)
        {
            var finder = new NoCacheFinder();
            finder.Visit(body);
            return finder._found;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            _found |= node.Method.DeclaringType == typeof(CacheBotQueryableExtensions) && node.Method.Name == nameof(CacheBotQueryableExtensions.NoCache);
            return base.VisitMethodCall(node);
        }
    }

    /// <summary>Checks the body, finds a root table, strips <c>AsCacheBot()</c>.</summary>
    private sealed class Walker(ParameterExpression context) : ExpressionVisitor
    {
        public string? Reason { get; private set; }

        public Type? Root { get; private set; }


        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var method = node.Method;
            if (method.DeclaringType == typeof(CacheBotLinq2DbExtensions))
            {
                return Visit(node.Arguments[0]); // AsCacheBot() inside the body: the compiled query is a CacheBot query already
            }

            if (method.DeclaringType == typeof(CacheBotQueryableExtensions) && method.Name == nameof(CacheBotQueryableExtensions.AsCacheBot))
            {
                throw new ArgumentException(
                    "AsCacheBot(cache) inside a compiled query names another cache: CacheBotQuery uses the cache of the data context (UseCacheBot).",
                    nameof(node));
            }

            if (method.DeclaringType == typeof(DataExtensions) && method.Name == nameof(DataExtensions.GetTable) && method.IsGenericMethod
                && node.Arguments.Count == 1 && node.Arguments[0] == context)
            {
                Root ??= method.GetGenericArguments()[0];
                return node; // the one use of the context a key by parameters allows
            }

            return base.VisitMethodCall(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == context)
            {
                Reason ??= "the body uses its data context other than as db.GetTable<T>() (a member of the context may read its state)";
            }

            return node;
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is null)
            {
                Reason ??= $"the body reads the static member {node.Member.DeclaringType?.Name}.{node.Member.Name}";
            }
            else if (node.Expression == context && Root is null && TableElement(node.Type) is { } element)
            {
                Root = element;
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is not null && node.Value is not string && !KeyValueReader.IsScalar(node.Value.GetType()))
            {
                Reason ??= $"the body holds a captured value of type {node.Value.GetType().Name} (a variable captured by the lambda)";
            }

            return node;
        }

        private static Type? TableElement(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ITable<>) ? type.GetGenericArguments()[0] : null;
    }
}

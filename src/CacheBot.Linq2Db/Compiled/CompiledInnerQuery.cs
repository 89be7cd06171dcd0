using System.Linq.Expressions;
using System.Reflection;
using LinqToDB;

namespace CacheBot.Linq2Db.Compiled;

/// <summary>
/// The inner query of a compiled cached query as a linq2db <see cref="CompiledQuery"/>: the body without CacheBot's markers,
/// the lambda's own parameters kept as parameters, so linq2db translates it once per data context configuration and a miss
/// runs it with the call's values (no expression exposure, cache lookup or SQL rebuild per call, as in linq2db's own
/// <see cref="CompiledQuery"/>).
/// </summary>
/// <remarks>
/// <para>Each mode is built on its first use (thread-safe; two threads may both build, one result is kept): a synchronous
/// scalar runs the body as written; an asynchronous scalar runs it with its terminal operator replaced by linq2db's
/// asynchronous one (<c>FirstOrDefault</c> becomes <c>AsyncExtensions.FirstOrDefaultAsync(..., cancellationToken)</c>); a
/// sequence runs the body's query and reads it with <c>ToList</c> or <c>ToListAsync</c>.</para>
/// <para>A mode whose body linq2db's <see cref="CompiledQuery"/> cannot take (an asynchronous terminal linq2db has no
/// asynchronous twin for, a scalar body that is not a terminal call on a query, more parameters than it supports) is not
/// built: <see cref="Adapter"/> returns <see langword="null"/> and the caller keeps the expression path for it.
/// <see cref="Disable"/> does the same after linq2db refused to translate the body at run time.</para>
/// <para>Each adapter is a <c>Func&lt;IDataContext, T1, ..., Tn, CancellationToken, TOut&gt;</c> (see <see cref="ICompiledArgs.Invoke{TOut}"/>)
/// around the linq2db delegate: <c>TOut</c> is the result (sync scalar), <c>Task&lt;TResult&gt;</c> (async scalar) or
/// <c>IQueryable&lt;T&gt;</c> (sequence).</para>
/// </remarks>
internal sealed class CompiledInnerQuery
{
    private static readonly object Unsupported = new();

    private readonly ParameterExpression _context;
    private readonly ParameterExpression[] _parameters;
    private readonly Expression _body;
    private readonly Type _resultType;
    private readonly bool _sequence;
    private object? _sync, _async;

    public CompiledInnerQuery(LambdaExpression query, Expression body, bool sequence)
    {
        _context = query.Parameters[0];
        _parameters = [.. query.Parameters.Skip(1)];
        _body = body;
        _sequence = sequence;
        _resultType = sequence ? typeof(IQueryable<>).MakeGenericType(ElementType(query.ReturnType)) : query.ReturnType;
    }

    /// <summary>Returns the adapter of the asynchronous or synchronous mode, or <see langword="null"/> when that mode runs the expression path.</summary>
    public Delegate? Adapter(bool async)
    {
        ref var slot = ref async ? ref _async : ref _sync;
        var built = Volatile.Read(ref slot);
        if (built is null)
        {
            Interlocked.CompareExchange(ref slot, TryBuild(async && !_sequence) ?? Unsupported, null);
            built = Volatile.Read(ref slot);
        }

        return built as Delegate;
    }

    /// <summary>Stops using linq2db's compiled query in the given mode (it could not translate the body): the expression path from now on.</summary>
    public void Disable(bool async) => Volatile.Write(ref async ? ref _async : ref _sync, Unsupported);

    private Delegate? TryBuild(bool asyncScalar)
    {
        try
        {
            return Build(asyncScalar);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or TargetInvocationException)
        {
            return null; // a body shape the adapter or linq2db's CompiledQuery.Compile does not take: the expression path
        }
    }

    private Delegate? Build(bool asyncScalar)
    {
        Expression body = _body;
        var parameters = new List<ParameterExpression>(_parameters.Length + 2) { _context };
        parameters.AddRange(_parameters);
        var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var resultType = _resultType;
        if (!_sequence && !IsTerminalCall(body))
        {
            return null;
        }

        if (asyncScalar)
        {
            if (AsyncTwin((MethodCallExpression)body, _resultType) is not { } twin)
            {
                return null;
            }

            body = Expression.Call(twin, [.. ((MethodCallExpression)body).Arguments, cancellation]);
            resultType = typeof(Task<>).MakeGenericType(_resultType);
            parameters.Add(cancellation);
        }

        var compile = typeof(CompiledQuery).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == nameof(CompiledQuery.Compile) && m.GetGenericArguments().Length == parameters.Count + 1);
        if (compile is null)
        {
            return null; // more parameters than linq2db's CompiledQuery takes
        }

        var types = parameters.Select(p => p.Type).Append(resultType).ToArray();
        var lambda = Expression.Lambda(Expression.GetFuncType(types), body, parameters);
        var linq2db = (Delegate)compile.MakeGenericMethod(types).Invoke(null, [lambda])!;

        // (IDataContext db, T1 a1, ..., CancellationToken ct) => linq2db((TContext)db, a1, ... [, ct])
        var db = Expression.Parameter(typeof(IDataContext), "db");
        var values = _parameters.Select(p => Expression.Parameter(p.Type, p.Name)).ToArray();
        var token = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        List<Expression> arguments = [Expression.Convert(db, _context.Type), .. values];
        if (asyncScalar)
        {
            arguments.Add(token);
        }

        var call = Expression.Invoke(Expression.Constant(linq2db), arguments);
        var adapterType = Expression.GetFuncType([typeof(IDataContext), .. values.Select(v => v.Type), typeof(CancellationToken), resultType]);
        return Expression.Lambda(adapterType, call, [db, .. values, token]).Compile();
    }

    /// <summary>Whether a scalar body is a terminal operator on a query (what linq2db's CompiledQuery runs as one element).</summary>
    private static bool IsTerminalCall(Expression body) =>
        body is MethodCallExpression { Arguments.Count: > 0 } call && typeof(IQueryable).IsAssignableFrom(call.Arguments[0].Type)
        && call.Method.DeclaringType == typeof(Queryable);

    /// <summary>
    /// linq2db's asynchronous twin of a <see cref="Queryable"/> terminal (<c>AsyncExtensions.{Name}Async</c> with the same
    /// parameters and a trailing <see cref="CancellationToken"/>), or <see langword="null"/>.
    /// </summary>
    private static MethodInfo? AsyncTwin(MethodCallExpression call, Type resultType)
    {
        var method = call.Method;
        var generic = method.IsGenericMethod ? method.GetGenericArguments() : [];
        Type[] wanted = [.. method.GetParameters().Select(p => p.ParameterType), typeof(CancellationToken)];
        foreach (var candidate in typeof(LinqToDB.Async.AsyncExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (candidate.Name != method.Name + "Async" || candidate.IsGenericMethod != method.IsGenericMethod
                || (candidate.IsGenericMethod && candidate.GetGenericArguments().Length != generic.Length))
            {
                continue;
            }

            MethodInfo closed;
            try
            {
                closed = candidate.IsGenericMethod ? candidate.MakeGenericMethod(generic) : candidate;
            }
            catch (ArgumentException)
            {
                continue; // a generic constraint the call's types do not meet
            }

            if (closed.ReturnType == typeof(Task<>).MakeGenericType(resultType)
                && closed.GetParameters().Select(p => p.ParameterType).SequenceEqual(wanted))
            {
                return closed;
            }
        }

        return null;
    }

    private static Type ElementType(Type queryType) =>
        (queryType.IsGenericType && queryType.GetGenericTypeDefinition() == typeof(IQueryable<>) ? queryType : queryType.GetInterfaces()
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQueryable<>))).GetGenericArguments()[0];
}

using System.Linq.Expressions;
using System.Security.Cryptography;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Model;
using CacheBot.Linq2Db.Querying;
using CacheBot.Linq2Db.Transactions;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Interceptors;
using LinqToDB.Internal.Async;
using LinqToDB.Internal.Interceptors;

namespace CacheBot.Linq2Db.Compiled;

/// <summary>
/// One compiled cached query (<see cref="CacheBotQuery"/>): its identity, its inspected body, and the two paths of a call.
/// </summary>
/// <remarks>
/// <para>Hit: find the data context's CacheBot settings and model (no allocation), check the transaction bypass, hash the
/// identity, the parameter values, the context's key values and the database identity into a key
/// (<see cref="PrecomputedKeyBuilder"/>), and ask <see cref="PrecomputedResults"/> (one store probe, the entry's checks, the
/// copy). No expression is built and linq2db is not called.</para>
/// <para>Miss: bind the values into the body (as captured variables) and run it through
/// <see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>: the analysis, schemes, read position, inner query
/// and store of any <c>AsCacheBot()</c> query, stored under the call's key. Transactions, write scopes, refusals and
/// unhashable parameter values run through the same path, which bypasses the cache. The bound expression serves the
/// analysis; the inner query itself runs through linq2db's <c>CompiledQuery</c> of the body with the call's values
/// (<see cref="CompiledInnerQuery"/>: translated once, not per call) when the body is keyed by its parameters and linq2db
/// can compile it; otherwise the bound expression runs on linq2db's ordinary provider.</para>
/// </remarks>
internal sealed class CompiledCacheQuery
{
    private readonly ParameterExpression _context;
    private readonly ParameterExpression[] _parameters;
    private readonly Func<IDataContext, IQueryProviderAsync> _provider;
    private readonly CompiledInnerQuery? _inner;

    public CompiledCacheQuery(LambdaExpression query, bool sequence)
    {
        ArgumentNullException.ThrowIfNull(query);
        Body = CompiledBody.Inspect(query, sequence);
        _context = query.Parameters[0];
        _parameters = query.Parameters.Skip(1).ToArray();
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        Identity = new UInt128(BitConverter.ToUInt64(random), BitConverter.ToUInt64(random[8..]));
        var getTable = typeof(DataExtensions).GetMethods()
            .Single(m => m.Name == nameof(DataExtensions.GetTable) && m.IsGenericMethod && m.GetParameters().Length == 1)
            .MakeGenericMethod(Body.RootEntity);
        var db = Expression.Parameter(typeof(IDataContext), "db");
        _provider = Expression.Lambda<Func<IDataContext, IQueryProviderAsync>>(
            Expression.Convert(Expression.Call(getTable, db), typeof(IQueryProviderAsync)), db).Compile();

        // A body keyed by its parameters reads nothing but them and its tables: linq2db's CompiledQuery can run it with the
        // call's values. Other bodies (context members, captured objects) keep the expression path.
        _inner = Body.KeyedByParameters ? new CompiledInnerQuery(query, CacheBotQueryContext.RemoveMarkers(Body.Body), sequence) : null;
    }

    /// <summary>Gets the random identity of this compiled query (hashed into every key).</summary>
    public UInt128 Identity { get; }

    /// <summary>Gets the inspected body.</summary>
    public CompiledBody Body { get; }

    public ValueTask<TResult> RunScalar<TResult, TArgs>(IDataContext db, TArgs args, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        var (options, model) = Resolve(db);
        if (ParameterKey<TResult, TArgs>(db, args, options, model, sequence: false) is not { } key)
        {
            return MissScalar<TResult, TArgs>(db, options, model, args, null, async, cancellationToken);
        }

        var cache = options.Cache!;
        var enter = PrecomputedResults.EnterReadAsync(cache, async, cancellationToken);
        if (!enter.IsCompletedSuccessfully)
        {
            return EnterThenScalarAsync<TResult, TArgs>(enter, db, options, model, args, key, cancellationToken);
        }

        if (enter.Result && PrecomputedResults.TryGet<TResult>(cache, key, out var hit))
        {
            return new ValueTask<TResult>(hit);
        }

        return MissScalar<TResult, TArgs>(db, options, model, args, key, async, cancellationToken);
    }

    public ValueTask<List<T>> RunSequence<T, TArgs>(IDataContext db, TArgs args, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        var (options, model) = Resolve(db);
        if (ParameterKey<T, TArgs>(db, args, options, model, sequence: true) is not { } key)
        {
            return MissSequence<T, TArgs>(db, options, model, args, null, async, cancellationToken);
        }

        var cache = options.Cache!;
        var enter = PrecomputedResults.EnterReadAsync(cache, async, cancellationToken);
        if (!enter.IsCompletedSuccessfully)
        {
            return EnterThenSequenceAsync<T, TArgs>(enter, db, options, model, args, key, cancellationToken);
        }

        if (enter.Result && PrecomputedResults.TryGetSequence<T>(cache, key, out var hit))
        {
            return new ValueTask<List<T>>(hit);
        }

        return MissSequence<T, TArgs>(db, options, model, args, key, async, cancellationToken);
    }

    /// <summary>
    /// The key of this call when the body's result depends on its parameters only (a scalar <typeparamref name="T"/>, or a
    /// list of <typeparamref name="T"/> when <paramref name="sequence"/>); null when the call must take the expression path
    /// (the body is not keyed by its parameters or never cached, reads bypass the cache, or a value cannot be hashed).
    /// </summary>
    private QueryKey? ParameterKey<T, TArgs>(IDataContext db, TArgs args, CacheBotOptionSet options, Linq2DbEntityModel model, bool sequence)
        where TArgs : struct, ICompiledArgs
    {
        if (!Body.KeyedByParameters || Body.NeverCached || Linq2DbQueryContext.ReadsBypass(db, options))
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[128];
        var builder = new PrecomputedKeyBuilder(buffer, Identity);
        try
        {
            args.AppendTo(ref builder);
            AppendContextValues(ref builder, model, db);
            if (!builder.IsHashable)
            {
                return null;
            }

            return sequence ? builder.ToSequenceKey<T>(options.Cache!, model.Fingerprint) : builder.ToScalarKey<T>(options.Cache!, model.Fingerprint);
        }
        finally
        {
            builder.Dispose();
        }
    }

    private async ValueTask<TResult> EnterThenScalarAsync<TResult, TArgs>(
        ValueTask<bool> enter, IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model, TArgs args, QueryKey key, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        if (await enter.ConfigureAwait(false) && PrecomputedResults.TryGet<TResult>(options.Cache!, key, out var hit))
        {
            return hit;
        }

        return await MissScalar<TResult, TArgs>(db, options, model, args, key, async: true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<List<T>> EnterThenSequenceAsync<T, TArgs>(
        ValueTask<bool> enter, IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model, TArgs args, QueryKey key, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        if (await enter.ConfigureAwait(false) && PrecomputedResults.TryGetSequence<T>(options.Cache!, key, out var hit))
        {
            return hit;
        }

        return await MissSequence<T, TArgs>(db, options, model, args, key, async: true, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<TResult> MissScalar<TResult, TArgs>(
        IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model, TArgs args, QueryKey? key, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        var context = Context(db, options, model);
        var expression = Bind(db, args);
        Func<bool, CancellationToken, ValueTask<TResult>>? runInner = UsesExpressionPath(db, async)
            ? null
            : (a, ct) => InnerScalar<TResult, TArgs>(context, expression, args, a, ct);
        return context.ExecuteCompiledAsync(expression, key, async, cancellationToken, runInner);
    }

    private ValueTask<List<T>> MissSequence<T, TArgs>(
        IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model, TArgs args, QueryKey? key, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        var context = Context(db, options, model);
        var expression = Bind(db, args);
        Func<bool, CancellationToken, ValueTask<List<T>>>? runInner = UsesExpressionPath(db, async)
            ? null
            : (a, ct) => InnerSequence<T, TArgs>(context, expression, args, a, ct);
        return context.ExecuteCompiledSequenceAsync(expression, key, async, cancellationToken, runInner);
    }

    /// <summary>
    /// Whether this call's inner query runs the bound expression on linq2db's ordinary provider: the body is not keyed by its
    /// parameters, linq2db's compiled query cannot take it in this mode, or the data context has an
    /// <see cref="IQueryExpressionInterceptor"/>, which linq2db's ordinary path applies to every query and its
    /// <see cref="CompiledQuery"/> never does (the interceptor keeps seeing every miss, as before compiled inner queries).
    /// </summary>
    private bool UsesExpressionPath(IDataContext db, bool async) =>
        _inner is null || db is IInterceptable<IQueryExpressionInterceptor> { Interceptor: not null } || _inner.Adapter(async) is null;

    /// <summary>
    /// Runs a scalar body's inner query through linq2db's compiled query with the call's values; if linq2db cannot translate
    /// the body (a <see cref="LinqToDBException"/> before any row is read), stops using it for this query and runs the
    /// expression path instead, which gives the answer (or the error) the query gave before compiled inner queries.
    /// </summary>
    private ValueTask<TResult> InnerScalar<TResult, TArgs>(Linq2DbQueryContext context, Expression expression, TArgs args, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        if (_inner!.Adapter(async) is { } adapter)
        {
            try
            {
                if (!async)
                {
                    return new(args.Invoke<TResult>(adapter, context.DataContext, cancellationToken));
                }

                var task = args.Invoke<Task<TResult>>(adapter, context.DataContext, cancellationToken);
                if (!(task.IsFaulted && task.Exception?.InnerException is LinqToDBException))
                {
                    return new(task); // linq2db translates before its first await: a translation failure is a faulted task here
                }
            }
            catch (LinqToDBException)
            {
            }

            _inner.Disable(async);
        }

        return context.ExecuteInnerAsync<TResult>(CacheBotQueryContext.RemoveMarkers(expression), async, cancellationToken);
    }

    /// <summary>Runs a sequence body's inner query through linq2db's compiled query, as <see cref="InnerScalar{TResult, TArgs}"/>.</summary>
    private ValueTask<List<T>> InnerSequence<T, TArgs>(Linq2DbQueryContext context, Expression expression, TArgs args, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs
    {
        if (_inner!.Adapter(async) is { } adapter)
        {
            try
            {
                var query = args.Invoke<IQueryable<T>>(adapter, context.DataContext, cancellationToken);
                if (!async)
                {
                    return new(query.ToList());
                }

                var task = AsyncExtensions.ToListAsync(query, cancellationToken);
                if (!(task.IsFaulted && task.Exception?.InnerException is LinqToDBException))
                {
                    return new(task);
                }
            }
            catch (LinqToDBException)
            {
            }

            _inner.Disable(async);
        }

        return context.ExecuteInnerSequenceAsync<T>(CacheBotQueryContext.RemoveMarkers(expression), async, cancellationToken);
    }

    private Linq2DbQueryContext Context(IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model) =>
        new(options.Cache!, _provider(db), db, options, model);

    /// <summary>The body with the data context and the call's values in place of the lambda's parameters.</summary>
    private Expression Bind<TArgs>(IDataContext db, TArgs args)
        where TArgs : struct, ICompiledArgs
    {
        var replacements = new Dictionary<ParameterExpression, Expression>(_parameters.Length + 1)
        {
            [_context] = Expression.Constant(db, _context.Type),
        };
        for (var i = 0; i < _parameters.Length; i++)
        {
            replacements[_parameters[i]] = args.Bind(i);
        }

        return new ParameterBinder(replacements).Visit(Body.Body);
    }

    private static void AppendContextValues(ref PrecomputedKeyBuilder builder, Linq2DbEntityModel model, IDataContext db)
    {
        var filters = QueryFilterCatalog.For(model, db.MappingSchema);
        if (filters.HasValues)
        {
            builder.AddContextValues(new KeyValues(filters.Readers, db));
        }
    }

    private static (CacheBotOptionSet Options, Linq2DbEntityModel Model) Resolve(IDataContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var options = db.Options.Find<CacheBotOptionSet>();
        if (options?.Cache is null)
        {
            throw new CacheBotException(
                $"A CacheBotQuery compiled query ran on a data context ({db.GetType().Name}) that was not configured with UseCacheBot(cache). " +
                "Build the context from options such as new DataOptions().UseSQLite(connectionString).UseCacheBot(cache), or call the " +
                "query with such a context; to run it without CacheBot, use linq2db's CompiledQuery.Compile instead.");
        }

        UserOwnedConnections.ThrowIfUserOwned(db.Options, configuring: false);
        return (options, Linq2DbEntityModel.For(db, options));
    }

    private sealed class ParameterBinder(Dictionary<ParameterExpression, Expression> replacements) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            replacements.TryGetValue(node, out var replacement) ? replacement : node;
    }
}

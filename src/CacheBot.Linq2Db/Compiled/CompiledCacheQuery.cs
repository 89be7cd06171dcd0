using System.Linq.Expressions;
using System.Security.Cryptography;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Model;
using CacheBot.Linq2Db.Querying;
using CacheBot.Linq2Db.Transactions;
using LinqToDB;
using LinqToDB.Internal.Async;

namespace CacheBot.Linq2Db.Compiled;

/// <summary>
/// One compiled cached query (<see cref="CacheBotQuery"/>): its identity, its inspected body, and the two paths of a call.
/// </summary>
/// <remarks>
/// <para>Hit: find the data context's CacheBot settings and model (no allocation), check the transaction bypass, hash the
/// identity, the parameter values, the context's key values and the database identity into a key
/// (<see cref="PrecomputedKeyBuilder"/>), and ask <see cref="PrecomputedResults"/> (one store probe, the entry's checks, the
/// copy). No expression is built and linq2db is not called.</para>
/// <para>Miss: bind the values into the body (as captured variables, so linq2db reuses its own compiled query) and run it
/// through <see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>: the analysis, schemes, read position, inner query
/// and store of any <c>AsCacheBot()</c> query, stored under the call's key. Transactions, write scopes, refusals and
/// unhashable parameter values run through the same path, which bypasses the cache.</para>
/// </remarks>
internal sealed class CompiledCacheQuery
{
    private readonly ParameterExpression _context;
    private readonly ParameterExpression[] _parameters;
    private readonly Func<IDataContext, IQueryProviderAsync> _provider;

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
        where TArgs : struct, ICompiledArgs =>
        Context(db, options, model).ExecuteCompiledAsync<TResult>(Bind(db, args), key, async, cancellationToken);

    private ValueTask<List<T>> MissSequence<T, TArgs>(
        IDataContext db, CacheBotOptionSet options, Linq2DbEntityModel model, TArgs args, QueryKey? key, bool async, CancellationToken cancellationToken)
        where TArgs : struct, ICompiledArgs =>
        Context(db, options, model).ExecuteCompiledSequenceAsync<T>(Bind(db, args), key, async, cancellationToken);

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

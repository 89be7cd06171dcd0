using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Linq.Expressions;
using System.Runtime.InteropServices;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>
/// The read path: key, lookup, validate stamps (hit) or analyse, register, read stamps, run, store (miss).
/// One implementation for sync and async (a <c>bool async</c> parameter); a hit completes synchronously.
/// </summary>
/// <remarks>
/// Reader order (DESIGN "version stamps"): on a miss the schemes are registered, then the stamps are read, then the
/// inner query runs, then the entry is stored with the stamps read before the query. A write that commits while the
/// query runs changes a stamp the entry already holds, so a stale result can never validate. A hit checks every stamp
/// and the global epoch, then returns a copy; it never calls the inner provider.
/// </remarks>
internal static class CachedQueryRunner
{
    internal const byte KindScalar = 1, KindSequence = 2;

    public static ValueTask<TResult> ExecuteScalarAsync<TResult>(
        CacheBotQueryContext context, Expression expression, bool async, CancellationToken cancellationToken, Precomputed precomputed = default)
    {
        var hash = ExpressionHasher.HashFull(expression, context);
        if (TryFastHit<TResult>(context, expression, hash, KindScalar, precomputed, out var entry))
        {
            var value = (TResult)entry.Value!;
            return new(entry.Shared ? value : ResultCopier.Copy(value));
        }

        return ExecuteScalarSlowAsync<TResult>(context, expression, hash, precomputed, async, cancellationToken);
    }

    public static ValueTask<List<T>> ExecuteSequenceAsync<T>(
        CacheBotQueryContext context, Expression expression, bool async, CancellationToken cancellationToken, Precomputed precomputed = default)
    {
        var hash = ExpressionHasher.HashFull(expression, context);
        if (TryFastHit<T[]>(context, expression, hash, KindSequence, precomputed, out var entry))
        {
            var array = (T[])entry.Value!;
            return new(entry.Shared ? [.. array] : ResultCopier.CopyList(array));
        }

        return ExecuteSequenceSlowAsync<T>(context, expression, hash, precomputed, async, cancellationToken);
    }

    private static async ValueTask<TResult> ExecuteScalarSlowAsync<TResult>(
        CacheBotQueryContext context, Expression expression, ExpressionHash hash, Precomputed precomputed, bool async, CancellationToken cancellationToken)
    {
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<TResult>> runInner =
            precomputed.Inner is Func<bool, CancellationToken, ValueTask<TResult>> inner
                ? (_, _, a, ct) => inner(a, ct)
                : static (ctx, e, a, ct) => ctx.ExecuteInnerAsync<TResult>(e, a, ct);
        var (value, fromCache, shared) = await RunAsync(
            context,
            expression,
            hash,
            KindScalar,
            precomputed,
            runInner,
            static _ => 1,
            static v => ResultCopier.Copy(v),
            async,
            cancellationToken).ConfigureAwait(false);
        return fromCache && !shared ? ResultCopier.Copy(value) : value;
    }

    private static async ValueTask<List<T>> ExecuteSequenceSlowAsync<T>(
        CacheBotQueryContext context, Expression expression, ExpressionHash hash, Precomputed precomputed, bool async, CancellationToken cancellationToken)
    {
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<T[]>> runInner =
            precomputed.Inner is Func<bool, CancellationToken, ValueTask<List<T>>> inner
                ? async (_, _, a, ct) => (await inner(a, ct).ConfigureAwait(false)).ToArray()
                : static async (ctx, e, a, ct) => (await ctx.ExecuteInnerSequenceAsync<T>(e, a, ct).ConfigureAwait(false)).ToArray();
        var (array, fromCache, shared) = await RunAsync(
            context,
            expression,
            hash,
            KindSequence,
            precomputed,
            runInner,
            static v => v.Length + 1,
            static v => CopyArrayForStore(v),
            async,
            cancellationToken).ConfigureAwait(false);
        if (fromCache)
        {
            return shared ? [.. array] : ResultCopier.CopyList(array);
        }

        return [.. array];
    }

    private static async ValueTask<(TStored Value, bool FromCache, bool Shared)> RunAsync<TStored>(
        CacheBotQueryContext context,
        Expression expression,
        ExpressionHash hash,
        byte kind,
        Precomputed precomputed,
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<TStored>> runInner,
        Func<TStored, long> size,
        Func<TStored, TStored> copyForStore,
        bool async,
        CancellationToken cancellationToken)
    {
        var cache = context.Cache;
        var probe = QueryProbe.Begin(cache);
        var sequence = kind == KindSequence;
        var flags = hash.Flags;
        // A compiled query (precomputed.Compiled) asked for caching when it was compiled: like Cache(), unless NoCache().
        var wantsCache = (flags & ExpressionHashFlags.NoCacheMarker) == 0
            && (precomputed.Compiled || (flags & ExpressionHashFlags.CacheMarker) != 0 || IsCachedGet(cache, expression));
        if (!wantsCache)
        {
            var plain = (flags & (ExpressionHashFlags.CacheMarker | ExpressionHashFlags.NoCacheMarker)) != 0 ? MarkerStripper.Strip(expression) : expression;
            return (await runInner(context, plain, async, cancellationToken).ConfigureAwait(false), false, false);
        }

        probe.StartActivity(cache);
        if ((flags & ExpressionHashFlags.Unhashable) != 0)
        {
            // DateTime.Now and the like also make the key unusable: report the analyser's reason for them.
            var (reason, detail) = QueryAnalyzer.ExplainUnhashable(expression, context.Model, context.Dialect, cache.AnalysisSettings);
            return await BypassAsync(context, expression, reason, detail, runInner, async, probe, kind, null, cancellationToken).ConfigureAwait(false);
        }

        if (context.IsInTransaction || cache.InWriteScope)
        {
            return await BypassAsync(context, expression, RefusalReason.InsideTransaction, "reads inside a transaction or write scope bypass the cache", runInner, async, probe, kind, null, cancellationToken)
                .ConfigureAwait(false);
        }

        if (cache.Coordinator is { } coordinator
            && !await coordinator.EnterReadAsync(async, cancellationToken).ConfigureAwait(false))
        {
            // The coordinator cannot vouch for the local stamps right now (shared backend unreachable or behind).
            return await BypassAsync(context, expression, RefusalReason.CoordinatorUnavailable, "the cache coordinator cannot confirm that local stamps are current", runInner, async, probe, kind, null, cancellationToken)
                .ConfigureAwait(false);
        }

        var key = precomputed.Key ?? ComputeKey(cache, hash.Full, context.Identity, kind, typeof(TStored));
        var lookup = Lookup(cache, key, out var cached);
        switch (lookup)
        {
            case LookupResult.Valid:
                cache.Statistics.Hit();
                QueryTelemetry.Hit(cache, probe, cached!, expression, context, sequence);
                return ((TStored)cached!.Value!, true, cached.Shared);
            case LookupResult.StoreFailed:
                // Fail open: the store is broken, so neither read nor fill it; the query runs uncached.
                return await BypassAsync(context, expression, RefusalReason.StoreFailure, "the result store threw", runInner, async, probe, kind, null, cancellationToken)
                    .ConfigureAwait(false);
        }

        probe.EnsureStarted();
        QueryTelemetry.EntryGone(cached, invalidated: lookup == LookupResult.Stale);

        // Miss: analyse (refusals are remembered per shape), then register, read stamps, run, store.
        // The shape hash is needed on misses only (refusal verdicts are remembered per shape): a second walk here.
        var shapeKey = ComputeKey(cache, ExpressionHasher.Hash(expression, context).Shape, context.Identity, kind, typeof(TStored));
        var shape = QueryTelemetry.Shape(cache, shapeKey.Value, expression, context, sequence);
        if (cache.TryGetRefusedShape(shapeKey.Value, out var remembered))
        {
            return await BypassAsync(context, expression, remembered, RefusalText.RefusedEarlier, runInner, async, probe, kind, shape, cancellationToken).ConfigureAwait(false);
        }

        var choices = MarkerStripper.Run(expression);
        var analysis = Analyze(cache, shapeKey.Value, expression, context, choices.Paths);
        if (!analysis.IsCacheable)
        {
            cache.RememberRefusedShape(shapeKey.Value, analysis.Refusal);
            return await BypassAsync(context, choices.Stripped, analysis.Refusal, analysis.Detail ?? string.Empty, runInner, async, probe, kind, shape, cancellationToken)
                .ConfigureAwait(false);
        }

        // A monotone existence test keeps the keys of one direction, picked by its answer (registered both ways first).
        // Its witness scheme is registered whenever it applies (before the position), so a shared result stored with a witness
        // key is checkable here even when this miss runs a compiled query's own inner query, which answers without a witness.
        var conjunctive = cache.Options.Granularity == InvalidationGranularity.Conjunctive;
        var existence = conjunctive && MonotoneExistence.Applies(choices.Stripped, analysis, context.Model, context.Dialect);
        var witness = existence ? ExistenceWitness.TryCreate(cache, choices.Stripped, analysis) : null;

        // A get by a key the database keeps unique is monotone the same way: found (removals), not found (arrivals).
        var uniqueGet = conjunctive && !existence && MonotoneExistence.IsUniqueLookup(choices.Stripped, analysis, context.Model, context.Dialect);

        // A list whose rows narrow its own dependencies (removals by its keys, loaded children by their parents' keys): its
        // schemes are registered here, before the position, though the keys are known only after the query.
        var answer = conjunctive && sequence && !existence
            ? AnswerDependencies.TryCreate(cache, choices.Stripped, analysis, context.Model, context.Dialect)
            : null;
        var (keysByDirection, position, generation, sharedSince) = StampReader.RegisterAndRead(
            cache, analysis, existence || uniqueGet ? [SchemeDirection.Removals, SchemeDirection.Arrivals] : [SchemeDirection.Both]);
        if (witness is not null)
        {
            sharedSince = Math.Max(sharedSince, Volatile.Read(ref witness.Scheme.RegisteredAt));
        }

        if (answer is not null)
        {
            sharedSince = Math.Max(sharedSince, answer.RegisteredAt);
        }

        var dependencyKeys = keysByDirection[0];
        var ttl = choices.TimeToLiveTicks > 0 ? TimeSpan.FromTicks(choices.TimeToLiveTicks) : cache.Options.DefaultTimeToLive;
        var shared = cache.Options.SharedResultStore is { } sharedStore && cache.Coordinator is not null ? SharedResults.Prepare(sharedStore, expression, context, analysis, kind, typeof(TStored)) : default;
        if (shared.IsActive)
        {
            var found = await shared.TryGetAsync(cache, sharedSince, async, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                // Another process's result, checked against this process's slots: keep a private copy, hand out the deserialized one.
                var sharedValue = (TStored)found.Value!;
                cache.Statistics.Hit();
                QueryTelemetry.Hit(cache, probe, shape, expression, context, sequence);
                StoreLocal(cache, key, new CachedQueryResult(
                    choices.SharedResults ? sharedValue : copyForStore(sharedValue), [.. found.DependencyKeys], found.Position, generation, size(sharedValue),
                    cache.TimeProvider.GetUtcNow() + ttl, choices.SharedResults) { Shape = shape });
                return (sharedValue, false, choices.SharedResults);
            }
        }

        object? witnessKey = null;
        if (witness is not null && precomputed.Inner is null && typeof(TStored) == typeof(bool))
        {
            // The expression path asks for one matching row's key instead of the bool (the same answer).
            runInner = async (ctx, _, a, ct) =>
            {
                var (found, key) = await witness.RunAsync(ctx, a, ct).ConfigureAwait(false);
                witnessKey = key;
                return (TStored)(object)found;
            };
        }

        if (answer is not null)
        {
            await answer.ReadWindowKeysAsync(cache, context, async, cancellationToken).ConfigureAwait(false);
        }

        var value = await QueryTelemetry.RunInner(runInner, context, choices.Stripped, async, probe.Activity, cancellationToken).ConfigureAwait(false);
        cache.Statistics.Miss();
        if (existence)
        {
            // true: only a matching row leaving can change it (removals), and with a witness only that row leaving; false: only
            // one arriving (arrivals); anything else (not reached: Any answers a bool) depends on both.
            dependencyKeys = value switch
            {
                true => (witnessKey is not null ? witness!.KeysFor(witnessKey, analysis) : null) ?? keysByDirection[0],
                false => keysByDirection[1],
                _ => [.. keysByDirection[0].Union(keysByDirection[1])],
            };
        }
        else if (uniqueGet)
        {
            dependencyKeys = value is null ? keysByDirection[1] : keysByDirection[0];
        }

        if (answer is not null && await answer.KeysForAsync(cache, analysis, value, context, async, cancellationToken).ConfigureAwait(false) is { } narrowed)
        {
            dependencyKeys = narrowed;
        }

        var stored = choices.SharedResults ? value : copyForStore(value);
        var entry = new CachedQueryResult(stored, dependencyKeys, position, generation, size(value), cache.TimeProvider.GetUtcNow() + ttl, choices.SharedResults)
        {
            Shape = shape,
        };
        StoreLocal(cache, key, entry);
        if (shared.IsActive)
        {
            await shared.StoreAsync(new Providers.SharedResult(stored, dependencyKeys, position), ttl, async, cancellationToken).ConfigureAwait(false);
        }

        QueryTelemetry.Miss(cache, probe, shape, expression, context, sequence);
        return (value, false, choices.SharedResults);
    }

    /// <summary>
    /// The analysis of a cacheable query: from the shape's plan with this query's values when the plan applies, else by
    /// <see cref="QueryAnalyzer"/>, whose result then becomes the shape's plan if it can be one (see <see cref="AnalysisPlan"/>).
    /// </summary>
    private static QueryAnalysis Analyze(QueryCache cache, UInt128 shape, Expression expression, CacheBotQueryContext context, string? paths)
    {
        var model = context.Model;
        var dialect = context.Dialect;
        if (cache.TryGetAnalysisPlan(shape, out var plan)
            && plan.TryApply(expression, model, dialect, cache.AnalysisSettings, paths) is { } planned)
        {
            cache.CountPlannedAnalysis();
            return planned;
        }

        var settings = paths is null ? cache.AnalysisSettings : cache.AnalysisSettings with { AllowedPaths = paths.Split('|') };
        var evaluations = new List<ClientEvaluation>();
        var analysis = QueryAnalyzer.Analyze(expression, model, dialect, settings, evaluations);
        if (analysis.IsCacheable && AnalysisPlan.TryCreate(expression, analysis, evaluations, model, dialect, cache.AnalysisSettings, paths) is { } made)
        {
            cache.RememberAnalysisPlan(shape, made);
        }

        return analysis;
    }

    /// <summary>
    /// The hit path without the async machinery: the same decisions as <see cref="RunAsync{TStored}"/> up to its lookup, taken
    /// only when nothing there can be asynchronous or traced (no coordinator, no activity listener). Anything but a valid entry
    /// returns <see langword="false"/> having changed nothing but the store's own recency bookkeeping, and the caller runs the
    /// full path with the same <paramref name="hash"/>.
    /// </summary>
    private static bool TryFastHit<TStored>(
        CacheBotQueryContext context, Expression expression, ExpressionHash hash, byte kind, Precomputed precomputed, [NotNullWhen(true)] out CachedQueryResult? entry)
    {
        entry = null;
        var cache = context.Cache;
        var flags = hash.Flags;
        if (cache.Coordinator is not null || Activities.HasListeners
            || (flags & (ExpressionHashFlags.NoCacheMarker | ExpressionHashFlags.Unhashable)) != 0)
        {
            return false;
        }

        var probe = QueryProbe.Begin(cache);
        if (!precomputed.Compiled && (flags & ExpressionHashFlags.CacheMarker) == 0 && !IsCachedGet(cache, expression))
        {
            return false;
        }

        if (context.IsInTransaction || cache.InWriteScope)
        {
            return false;
        }

        var key = precomputed.Key ?? ComputeKey(cache, hash.Full, context.Identity, kind, typeof(TStored));
        if (Lookup(cache, key, out var found) != LookupResult.Valid || found is null)
        {
            return false;
        }

        entry = found;

        cache.Statistics.Hit();
        QueryTelemetry.Hit(cache, probe, entry, expression, context, kind == KindSequence);
        return true;
    }

    private static void StoreLocal(QueryCache cache, QueryKey key, CachedQueryResult entry)
    {
        try
        {
            cache.Store.Store(key, entry, entry.ExpiresAt - cache.TimeProvider.GetUtcNow());
            cache.Statistics.Store();
            entry.Shape?.Stored();
        }
        catch (Exception ex)
        {
            Log.StoreFailed(cache.Logger, "set", ex);
        }
    }

    /// <summary>The store's own copy of a sequence result (the caller keeps the objects it gets): each row copied.</summary>
    private static T[] CopyArrayForStore<T>(T[] array) => ResultCopier.IsImmutable(typeof(T)) ? ResultCopier.Copy(array) : [.. ResultCopier.CopyList(array)];

    internal static LookupResult Lookup(QueryCache cache, QueryKey key, out CachedQueryResult? entry)
    {
        try
        {
            if (!cache.Store.TryGet(key, out entry) || entry is null)
            {
                return LookupResult.Absent;
            }
        }
        catch (Exception ex)
        {
            Log.StoreFailed(cache.Logger, "get", ex);
            entry = null;
            return LookupResult.StoreFailed;
        }

        var stamps = cache.Stamps;
        if (entry.Generation != stamps.Generation)
        {
            return LookupResult.Stale;
        }

        if (entry.IsExpired(cache.TimeProvider.GetUtcNow()))
        {
            return LookupResult.Expired;
        }

        var position = entry.Position;
        foreach (var dependencyKey in entry.DependencyKeys)
        {
            if (stamps.Read(dependencyKey) > position)
            {
                return LookupResult.Stale;
            }
        }

        if (stamps.HasUnsettled)
        {
            foreach (var dependencyKey in entry.DependencyKeys)
            {
                if (stamps.IsUnsettled(dependencyKey))
                {
                    return LookupResult.Stale;
                }
            }
        }

        return LookupResult.Valid;
    }

    /// <summary>
    /// How a compiled query runs: cached by default (<see cref="Compiled"/>), under its own key when it has one, and its inner
    /// query through the integration's own compiled query when it has one (<see cref="Inner"/>).
    /// </summary>
    /// <param name="Compiled">Whether the query asked for caching when it was compiled (as <c>Cache()</c> does).</param>
    /// <param name="Key">The key the integration computed for this call, or <see langword="null"/> to key the expression.</param>
    /// <param name="Inner">
    /// Runs the inner query of this call with its values bound (a <c>Func&lt;bool, CancellationToken, ValueTask&lt;TResult&gt;&gt;</c>
    /// for a scalar, <c>...ValueTask&lt;List&lt;T&gt;&gt;</c> for a sequence), used wherever the expression path would run the
    /// expression without markers (miss, bypass, uncached); <see langword="null"/> runs the expression on the inner provider.
    /// </param>
    internal readonly record struct Precomputed(bool Compiled, QueryKey? Key, Delegate? Inner = null);

    internal enum LookupResult
    {
        Absent,
        Stale,
        Expired,
        Valid,
        StoreFailed,
    }

    private static async ValueTask<(TStored, bool, bool)> BypassAsync<TStored>(
        CacheBotQueryContext context,
        Expression expression,
        RefusalReason reason,
        string detail,
        Func<CacheBotQueryContext, Expression, bool, CancellationToken, ValueTask<TStored>> runInner,
        bool async,
        QueryProbe probe,
        byte kind,
        ShapeStatistics? shape,
        CancellationToken cancellationToken)
    {
        context.Cache.Statistics.Bypass();
        Log.QueryNotCacheable(context.Cache.Logger, typeof(TStored).Name, reason, detail);
        var words = QueryTelemetry.Bypass(context, ref shape, expression, reason, detail, kind, typeof(TStored), kind == KindSequence, probe.Activity is not null);
        var value = await QueryTelemetry.RunInner(runInner, context, MarkerStripper.Strip(expression), async, probe.Activity, cancellationToken).ConfigureAwait(false);
        QueryTelemetry.Bypassed(context.Cache, probe, shape, words, expression, context, kind == KindSequence);
        return (value, false, false);
    }

    internal static bool IsCachedGet(QueryCache cache, Expression expression)
    {
        if (!cache.Options.CacheGet || expression is not MethodCallExpression call || call.Method.DeclaringType != typeof(Queryable))
        {
            return false;
        }

        var name = call.Method.Name;
        if (name is not ("First" or "FirstOrDefault" or "Single" or "SingleOrDefault"))
        {
            return false;
        }

        // A get of a projection (Select(p => p.Title).First()) is a get on its source's table: the opt-out of the entity at the
        // root of the chain covers it. IArgumentProvider reads argument 0 without allocating the argument collection.
        Expression source = call;
        while (source is IArgumentProvider { ArgumentCount: > 0 } chained and MethodCallExpression
            && chained.GetArgument(0) is { } next && typeof(IQueryable).IsAssignableFrom(next.Type))
        {
            source = next;
        }

        return !cache.IsGetCachingDisabledForSource(source.Type);
    }

    internal static QueryKey ComputeKey(QueryCache cache, UInt128 expressionHash, UInt128 identity, byte kind, Type resultType)
    {
        Span<byte> buffer = stackalloc byte[56];
        MemoryMarshal.Write(buffer, in expressionHash);
        MemoryMarshal.Write(buffer[16..], in identity);
        var handle = (long)resultType.TypeHandle.Value;
        MemoryMarshal.Write(buffer[32..], in handle);

        // Two caches given one store never read each other's entries (their stamps are unrelated).
        var instance = cache.InstanceId;
        MemoryMarshal.Write(buffer[40..], in instance);
        buffer[48] = kind;
        return new QueryKey(XxHash128.HashToUInt128(buffer[..49]));
    }
}

using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>
/// <c>Explain()</c>: walks the read path's decisions for a query without running it (intent, key, bypasses, lookup,
/// analysis) and reports them with the dependencies and the time to live.
/// </summary>
/// <remarks>
/// Uses only what a <see cref="CacheBotQueryContext"/> offers, so it explains queries of every integration. It calls the
/// same functions as <see cref="CachedQueryRunner"/> (<see cref="CachedQueryRunner.IsCachedGet"/>,
/// <see cref="CachedQueryRunner.ComputeKey"/>, <see cref="CachedQueryRunner.Lookup"/>, <see cref="QueryAnalyzer"/>) in
/// the same order, so the decision cannot drift from the read path's. Side effects: none on the cache (no scheme is
/// registered, no counter moves); a cache coordinator is asked, as a read would ask it, whether local stamps are current.
/// </remarks>
internal static class Explainer
{
    private const string Unkeyable = "the expression holds nodes or values that cannot be keyed";

    public static CacheExplanation Explain(IQueryProvider provider, Expression expression, bool sequence, Type storedType)
    {
        if (provider is not ICacheBotProvider { Context: { } context })
        {
            return new CacheExplanation(
                ShapeText.Print(expression, null, null, sequence),
                CacheIntent.None,
                CacheDecision.NotRequested,
                "the query is not wrapped by CacheBot: call AsCacheBot() on its source (and Cache() before the terminal operator)",
                [],
                [],
                null,
                CacheEntryStatus.NotChecked);
        }

        var cache = context.Cache;
        var shape = ShapeText.Print(expression, context.Model, context.Dialect, sequence);
        var hash = ExpressionHasher.HashFull(expression, context);
        var flags = hash.Flags;
        var intent = (flags & ExpressionHashFlags.NoCacheMarker) != 0 ? CacheIntent.NoCache
            : (flags & ExpressionHashFlags.CacheMarker) != 0 ? CacheIntent.Cache
            : CachedQueryRunner.IsCachedGet(cache, expression) ? CacheIntent.Get
            : CacheIntent.None;
        if (intent is CacheIntent.None or CacheIntent.NoCache)
        {
            return new CacheExplanation(shape, intent, CacheDecision.NotRequested, WhyNotRequested(cache, expression, intent), [], [], null, CacheEntryStatus.NotChecked);
        }

        var choices = MarkerStripper.Run(expression);
        var settings = choices.Paths is null ? cache.AnalysisSettings : cache.AnalysisSettings with { AllowedPaths = choices.Paths.Split('|') };
        var analysis = QueryAnalyzer.Analyze(expression, context.Model, context.Dialect, settings);
        var ttl = choices.TimeToLiveTicks > 0 ? TimeSpan.FromTicks(choices.TimeToLiveTicks) : cache.Options.DefaultTimeToLive;
        var (dependencies, tables) = analysis.IsCacheable ? Describe(analysis) : ([], []);

        CacheExplanation Outcome(CacheDecision decision, string? reason, CacheEntryStatus entry = CacheEntryStatus.NotChecked) =>
            new(shape, intent, decision, reason, dependencies, tables, decision == CacheDecision.Cached ? ttl : null, entry);

        if ((flags & ExpressionHashFlags.Unhashable) != 0)
        {
            return Outcome(
                CacheDecision.Refused,
                analysis.IsCacheable ? RefusalText.Describe(RefusalReason.Unhashable, Unkeyable) : RefusalText.Describe(analysis.Refusal, analysis.Detail));
        }

        if (context.IsInTransaction || cache.InWriteScope)
        {
            return Outcome(
                CacheDecision.Bypassed,
                RefusalText.Describe(
                    RefusalReason.InsideTransaction,
                    context.IsInTransaction ? "a transaction is open on this connection; reads there bypass the cache" : "a CacheWriteScope is open on this flow; reads there bypass the cache"));
        }

        if (cache.Coordinator is { } coordinator && !SyncPath.Result(coordinator.EnterReadAsync(async: false, CancellationToken.None)))
        {
            return Outcome(
                CacheDecision.Bypassed,
                RefusalText.Describe(RefusalReason.CoordinatorUnavailable, "the cache coordinator cannot confirm that local stamps are current"));
        }

        var key = CachedQueryRunner.ComputeKey(cache, hash.Full, context.Identity, sequence ? CachedQueryRunner.KindSequence : CachedQueryRunner.KindScalar, storedType);
        var entry = CachedQueryRunner.Lookup(cache, key, out _) switch
        {
            CachedQueryRunner.LookupResult.Valid => CacheEntryStatus.Valid,
            CachedQueryRunner.LookupResult.Stale => CacheEntryStatus.Invalidated,
            CachedQueryRunner.LookupResult.Expired => CacheEntryStatus.Expired,
            CachedQueryRunner.LookupResult.StoreFailed => CacheEntryStatus.NotChecked,
            _ => CacheEntryStatus.Absent,
        };
        if (entry == CacheEntryStatus.NotChecked)
        {
            return Outcome(CacheDecision.Bypassed, RefusalText.Describe(RefusalReason.StoreFailure, "the result store threw on lookup; queries run uncached while it fails"));
        }

        if (!analysis.IsCacheable)
        {
            return Outcome(CacheDecision.Refused, RefusalText.Describe(analysis.Refusal, analysis.Detail));
        }

        return Outcome(CacheDecision.Cached, null, entry);
    }

    /// <summary>Explains the query a terminal lambda (<c>q =&gt; q.First(p =&gt; p.Id == 7)</c>) runs over <paramref name="source"/>.</summary>
    public static CacheExplanation ExplainTerminal(IQueryable source, LambdaExpression terminal)
    {
        var body = new Substitution(terminal.Parameters[0], source.Expression).Visit(terminal.Body);
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            body = convert.Operand;
        }

        if (body is MethodCallExpression call && call.Method.DeclaringType != typeof(Queryable) && call.Arguments.Count > 0
            && typeof(IQueryable).IsAssignableFrom(call.Arguments[0].Type))
        {
            var name = call.Method.Name;
            if (name is "ToList" or "ToArray" or "AsEnumerable" or "ToListAsync" or "ToArrayAsync" or "AsAsyncEnumerable")
            {
                body = call.Arguments[0];
            }
            else if (name.EndsWith("Async", StringComparison.Ordinal) && TryQueryableTwin(call) is { } twin)
            {
                body = twin;
            }
        }

        if (body.Type != typeof(string) && typeof(IQueryable).IsAssignableFrom(body.Type) && TypeHelpers.GetSequenceElement(body.Type) is { } element)
        {
            return Explain(source.Provider, body, sequence: true, element.MakeArrayType());
        }

        return Explain(source.Provider, body, sequence: false, body.Type);
    }

    private static string WhyNotRequested(QueryCache cache, Expression expression, CacheIntent intent)
    {
        if (intent == CacheIntent.NoCache)
        {
            return "NoCache() was called";
        }

        if (expression is MethodCallExpression call && call.Method.DeclaringType == typeof(Queryable)
            && call.Method.Name is "First" or "FirstOrDefault" or "Single" or "SingleOrDefault")
        {
            return cache.Options.CacheGet
                ? "gets of this entity are not cached by default (QueryCacheOptions.CacheGetDisabledFor or [CacheBotEntity(CacheGet = false)]): call Cache()"
                : "a get query, but QueryCacheOptions.CacheGet is off: call Cache()";
        }

        return "the query does not call Cache() (only First, FirstOrDefault, Single and SingleOrDefault are cached without it)";
    }

    private static (IReadOnlyList<CacheDependency> Dependencies, IReadOnlyList<string> Tables) Describe(QueryAnalysis analysis)
    {
        var tables = new List<string>();
        foreach (var table in analysis.Tables)
        {
            if (!tables.Contains(table.QualifiedName))
            {
                tables.Add(table.QualifiedName);
            }
        }

        var dependencies = new List<CacheDependency>();
        var anyRow = new List<TableModel>();
        foreach (var group in analysis.Groups)
        {
            var values = new List<IReadOnlyList<object?>>();
            var fallback = group.Columns.Length == 0;
            foreach (var tuple in group.Tuples)
            {
                // As StampReader does: a tuple whose values cannot be encoded makes the table depend on "any row".
                if (IsEncodable(group.Columns, tuple))
                {
                    values.Add(tuple);
                }
                else
                {
                    fallback = true;
                }
            }

            if (values.Count > 0 && group.Columns.Length > 0)
            {
                dependencies.Add(new CacheDependency(group.Table.Database, group.Table.QualifiedName, Array.ConvertAll(group.Columns, static c => c.Name), values));
            }

            if (fallback && !anyRow.Contains(group.Table))
            {
                anyRow.Add(group.Table);
                dependencies.Add(new CacheDependency(group.Table.Database, group.Table.QualifiedName, [], []));
            }
        }

        return (dependencies, tables);
    }

    private static bool IsEncodable(ColumnModel[] columns, object?[] tuple)
    {
        Span<byte> stack = stackalloc byte[256];
        var bytes = new KeyBytes(stack);
        try
        {
            for (var i = 0; i < columns.Length; i++)
            {
                if (!ValueEncoder.TryAppend(ref bytes, tuple[i], columns[i].StringMatching))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            bytes.Dispose();
        }
    }

    /// <summary>Maps <c>FirstAsync(source, ..., token)</c> (linq2db, EF Core) to <c>Queryable.First(source, ...)</c>, which the provider runs.</summary>
    private static MethodCallExpression? TryQueryableTwin(MethodCallExpression call)
    {
        var name = call.Method.Name[..^"Async".Length];
        var arguments = new List<Expression>(call.Arguments);
        if (arguments.Count > 1 && arguments[^1].Type == typeof(CancellationToken))
        {
            arguments.RemoveAt(arguments.Count - 1);
        }

        var typeArguments = call.Method.IsGenericMethod ? call.Method.GetGenericArguments() : [];
        foreach (var candidate in typeof(Queryable).GetMethods())
        {
            if (candidate.Name != name || candidate.GetParameters().Length != arguments.Count
                || candidate.IsGenericMethodDefinition != (typeArguments.Length > 0)
                || (candidate.IsGenericMethodDefinition && candidate.GetGenericArguments().Length != typeArguments.Length))
            {
                continue;
            }

            try
            {
                var method = candidate.IsGenericMethodDefinition ? candidate.MakeGenericMethod(typeArguments) : candidate;
                return Expression.Call(method, arguments);
            }
            catch (ArgumentException)
            {
                // Another overload with the same arity (a selector instead of a predicate): try the next one.
            }
        }

        return null;
    }

    private sealed class Substitution(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}

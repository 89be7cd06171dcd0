using CacheBot.Linq.Keys;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// Builds the key of one call of a compiled query without an expression: the query's identity, the call's parameter values,
/// the context's <see cref="KeyValues"/>, then (in <see cref="ToScalarKey{TResult}"/> / <see cref="ToSequenceKey{T}"/>) the
/// database identity, the result type and kind and the cache's own identity. Nothing is allocated (the bytes go to the
/// caller's buffer and spill into the shared array pool); values are hashed exactly as captured values of an expression are.
/// </summary>
/// <remarks>
/// <para>The integration must make sure the key holds every value the result depends on: the compiled body may read nothing
/// that can change between calls besides its parameters and the context's key values (no captured variables, no static
/// members, no state of the data context other than its tables). Entries stored under such a key are invalidated exactly as
/// the expression's own entries would be: the key only names the entry; its dependencies come from the analysis of the
/// expression run on the miss (<see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>).</para>
/// <para>When <see cref="IsHashable"/> is <see langword="false"/> after a value was added (a struct of unknown equality), the
/// key must not be used: run the call through the expression path instead.</para>
/// <para>Usage: <c>Span&lt;byte&gt; buffer = stackalloc byte[128]; using var builder = new PrecomputedKeyBuilder(buffer, id);
/// builder.Add(a); var key = builder.ToScalarKey&lt;Photo?&gt;(cache, model.Fingerprint);</c>. Documentation:
/// docs/writing-an-integration.md "Compiled queries".</para>
/// </remarks>
public ref struct PrecomputedKeyBuilder
{
    private HashWalk _walk;

    /// <summary>Starts the key of one call of the compiled query <paramref name="queryIdentity"/>.</summary>
    /// <param name="buffer">Scratch space (a <see langword="stackalloc"/> buffer of 64–256 bytes); larger keys spill into the array pool.</param>
    /// <param name="queryIdentity">A process-unique identity of the compiled query (random 128 bits per compiled query).</param>
    public PrecomputedKeyBuilder(Span<byte> buffer, UInt128 queryIdentity)
    {
        _walk = new HashWalk(buffer, default, policy: null, withShape: false);
        _walk.WriteValue(queryIdentity);
    }

    /// <summary>Gets whether every value added so far could be hashed (else the key must not be used).</summary>
    public readonly bool IsHashable => (_walk.Flags & ExpressionHashFlags.Unhashable) == 0;

    /// <summary>Adds a parameter value, hashed by its static type without boxing (scalars, strings, collections, entities).</summary>
    /// <typeparam name="T">The parameter's static type.</typeparam>
    /// <param name="value">The value.</param>
    public void Add<T>(T value) => TypedValueHasher<T>.Instance.Append(value, ref _walk);

    /// <summary>Adds the values a context appends to every key (<see cref="CacheBotQueryContext.KeyValues"/>, e.g. a tenant read by a query filter).</summary>
    /// <param name="values">The context's key values.</param>
    public void AddContextValues(KeyValues values)
    {
        var readers = values.Readers;
        if (readers is null)
        {
            return;
        }

        for (var i = 0; i < readers.Count; i++)
        {
            readers[i].Inner.Append(values.Root, ref _walk);
        }
    }

    /// <summary>Completes the key of a scalar (or single-row) result, as stored by <see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="cache">The cache the key is used with.</param>
    /// <param name="databaseIdentity">The identity of the database and mapping (<see cref="IEntityModel.Fingerprint"/>).</param>
    /// <returns>The key.</returns>
    public readonly QueryKey ToScalarKey<TResult>(QueryCache cache, UInt128 databaseIdentity)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return CachedQueryRunner.ComputeKey(cache, _walk.Complete().Full, databaseIdentity, CachedQueryRunner.KindScalar, typeof(TResult));
    }

    /// <summary>Completes the key of a sequence result, as stored by <see cref="CacheBotQueryContext.ExecuteCompiledSequenceAsync{T}"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="cache">The cache the key is used with.</param>
    /// <param name="databaseIdentity">The identity of the database and mapping (<see cref="IEntityModel.Fingerprint"/>).</param>
    /// <returns>The key.</returns>
    public readonly QueryKey ToSequenceKey<T>(QueryCache cache, UInt128 databaseIdentity)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return CachedQueryRunner.ComputeKey(cache, _walk.Complete().Full, databaseIdentity, CachedQueryRunner.KindSequence, typeof(T[]));
    }

    /// <summary>Returns the pooled buffer, if the key spilled into one.</summary>
    public void Dispose() => _walk.Dispose();
}

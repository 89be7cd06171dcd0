using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// Builds the key of one call of a compiled query without an expression: the query's identity, the call's parameter values,
/// the context's <see cref="KeyValues"/>, then (in <see cref="ToScalarKey{TResult}"/> / <see cref="ToSequenceKey{T}"/>) the
/// database identity, the result type and kind and the cache's own identity. Nothing is allocated (the bytes go to the
/// caller's buffer and spill into the shared array pool) and the stream is hashed once (XxHash128). Values without references
/// (scalars, enums, nullable scalars, plain structs) are written as their raw bytes, strings as their characters, other
/// values (collections, entities) as the hash a captured value of that type gets in an expression key.
/// </summary>
/// <remarks>
/// <para>The integration must make sure the key holds every value the result depends on: the compiled body may read nothing
/// that can change between calls besides its parameters and the context's key values (no captured variables, no static
/// members, no state of the data context other than its tables). Entries stored under such a key are invalidated exactly as
/// the expression's own entries would be: the key only names the entry; its dependencies come from the analysis of the
/// expression run on the miss (<see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>).</para>
/// <para>Raw bytes are sound: equal bytes are the same value. Values that are equal but differ in bytes (<c>0.0</c> and
/// <c>-0.0</c>, decimals of other scales) only get entries of their own. When <see cref="IsHashable"/> is <see langword="false"/>
/// after a value was added (a struct holding references, of unknown equality), the key must not be used: run the call through
/// the expression path instead.</para>
/// <para>Usage: <c>Span&lt;byte&gt; buffer = stackalloc byte[128]; using var builder = new PrecomputedKeyBuilder(buffer, id);
/// builder.Add(a); var key = builder.ToScalarKey&lt;Photo?&gt;(cache, model.Fingerprint);</c>. Documentation:
/// docs/writing-an-integration.md "Compiled queries".</para>
/// </remarks>
public ref struct PrecomputedKeyBuilder
{
    private HashBuffer _bytes;
    private bool _unhashable;

    /// <summary>Starts the key of one call of the compiled query <paramref name="queryIdentity"/>.</summary>
    /// <param name="buffer">Scratch space (a <see langword="stackalloc"/> buffer of 64–256 bytes); larger keys spill into the array pool.</param>
    /// <param name="queryIdentity">A process-unique identity of the compiled query (random 128 bits per compiled query).</param>
    public PrecomputedKeyBuilder(Span<byte> buffer, UInt128 queryIdentity)
    {
        _bytes = new HashBuffer(buffer);
        _unhashable = false;
        _bytes.Write(queryIdentity);
    }

    /// <summary>Gets whether every value added so far could be hashed (else the key must not be used).</summary>
    public readonly bool IsHashable => !_unhashable;

    /// <summary>Adds a parameter value, by its static type and without boxing.</summary>
    /// <typeparam name="T">The parameter's static type (the same for every call of one compiled query).</typeparam>
    /// <param name="value">The value.</param>
    public void Add<T>(T value)
    {
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _bytes.WriteBytes(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref value), Unsafe.SizeOf<T>()));
        }
        else if (typeof(T) == typeof(string))
        {
            var text = Unsafe.As<T, string?>(ref value);
            _bytes.Write(text?.Length ?? -1);
            _bytes.WriteBytes(MemoryMarshal.AsBytes(text.AsSpan()));
        }
        else
        {
            AddWalked(value);
        }
    }

    /// <summary>Adds the values a context appends to every key (<see cref="CacheBotQueryContext.KeyValues"/>, e.g. a tenant read by a query filter).</summary>
    /// <param name="values">The context's key values.</param>
    public void AddContextValues(KeyValues values)
    {
        var readers = values.Readers;
        if (readers is null || readers.Count == 0)
        {
            return;
        }

        Span<byte> buffer = stackalloc byte[128];
        var walk = new HashWalk(buffer, default, policy: null, withShape: false);
        try
        {
            for (var i = 0; i < readers.Count; i++)
            {
                readers[i].Inner.Append(values.Root, ref walk);
            }

            _unhashable |= (walk.Flags & ExpressionHashFlags.Unhashable) != 0;
            _bytes.Write(walk.Complete().Full);
        }
        finally
        {
            walk.Dispose();
        }
    }

    /// <summary>Completes the key of a scalar (or single-row) result, as stored by <see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/>. Call once.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="cache">The cache the key is used with.</param>
    /// <param name="databaseIdentity">The identity of the database and mapping (<see cref="IEntityModel.Fingerprint"/>).</param>
    /// <returns>The key.</returns>
    public QueryKey ToScalarKey<TResult>(QueryCache cache, UInt128 databaseIdentity) => Complete(cache, databaseIdentity, CachedQueryRunner.KindScalar, typeof(TResult));

    /// <summary>Completes the key of a sequence result, as stored by <see cref="CacheBotQueryContext.ExecuteCompiledSequenceAsync{T}"/>. Call once.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="cache">The cache the key is used with.</param>
    /// <param name="databaseIdentity">The identity of the database and mapping (<see cref="IEntityModel.Fingerprint"/>).</param>
    /// <returns>The key.</returns>
    public QueryKey ToSequenceKey<T>(QueryCache cache, UInt128 databaseIdentity) => Complete(cache, databaseIdentity, CachedQueryRunner.KindSequence, typeof(T[]));

    /// <summary>Returns the pooled buffer, if the key spilled into one.</summary>
    public void Dispose() => _bytes.Dispose();

    private QueryKey Complete(QueryCache cache, UInt128 databaseIdentity, byte kind, Type storedType)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _bytes.Write(databaseIdentity);
        _bytes.Write((ulong)storedType.TypeHandle.Value);

        // Two caches given one store never read each other's entries (their stamps are unrelated).
        _bytes.Write(cache.InstanceId);
        _bytes.Write(kind);
        return new QueryKey(_bytes.Hash());
    }

    private void AddWalked<T>(T value)
    {
        Span<byte> buffer = stackalloc byte[128];
        var walk = new HashWalk(buffer, default, policy: null, withShape: false);
        try
        {
            TypedValueHasher<T>.Instance.Append(value, ref walk);
            _unhashable |= (walk.Flags & ExpressionHashFlags.Unhashable) != 0;
            _bytes.Write(walk.Complete().Full);
        }
        finally
        {
            walk.Dispose();
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Providers;

/// <summary>
/// The hit path of compiled queries: looks up an entry under a key built with <see cref="PrecomputedKeyBuilder"/>, checks it
/// exactly as the expression path does (generation, dependency slots against the read position, unsettled tables, expiry)
/// and returns a copy. No expression, no analysis, no inner provider: on <see langword="false"/> the integration runs the
/// call through <see cref="CacheBotQueryContext.ExecuteCompiledAsync{TResult}"/> (the miss path), which stores under the key.
/// </summary>
/// <remarks>
/// <para>Order of a call: the integration's own bypass checks (an open transaction), then <see cref="EnterReadAsync"/> (write
/// scopes, the coordinator's strict check), then <see cref="TryGet{TResult}"/> or <see cref="TryGetSequence{T}"/>. A hit counts in
/// <see cref="CacheStatistics"/> and its shape's statistics like any hit; an absent or stale entry counts nothing here (the miss
/// path counts it).</para>
/// <para>Allocation: none beyond the returned copy (none for immutable results such as <see cref="int"/> or <see cref="string"/>).</para>
/// </remarks>
public static class PrecomputedResults
{
    private static readonly ValueTask<bool> Yes = new(true);
    private static readonly ValueTask<bool> No = new(false);

    /// <summary>
    /// Returns whether the cache may be read now: <see langword="false"/> inside a <see cref="CacheWriteScope"/>, or when the
    /// coordinator (if any) cannot confirm the local stamps are current. Call it before <see cref="TryGet{TResult}"/>.
    /// </summary>
    /// <param name="cache">The cache.</param>
    /// <param name="async">Whether the caller is asynchronous; with <see langword="false"/> the task is complete on return.</param>
    /// <param name="cancellationToken">Cancels the coordinator's catch-up.</param>
    /// <returns>Whether to try a hit (on <see langword="false"/>, run the miss path, which bypasses the cache).</returns>
    public static ValueTask<bool> EnterReadAsync(QueryCache cache, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.InWriteScope)
        {
            return No;
        }

        return cache.Coordinator is { } coordinator ? coordinator.EnterReadAsync(async, cancellationToken) : Yes;
    }

    /// <summary>Returns a valid scalar (or single-row) entry stored under <paramref name="key"/>, as a copy the caller may change.</summary>
    /// <typeparam name="TResult">The result type (part of the key).</typeparam>
    /// <param name="cache">The cache.</param>
    /// <param name="key">The key (<see cref="PrecomputedKeyBuilder.ToScalarKey{TResult}"/>).</param>
    /// <param name="result">The result on a hit.</param>
    /// <returns>Whether the entry was found and valid.</returns>
    public static bool TryGet<TResult>(QueryCache cache, QueryKey key, [MaybeNullWhen(false)] out TResult result)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var probe = QueryProbe.Begin(cache);
        if (CachedQueryRunner.Lookup(cache, key, out var entry) != CachedQueryRunner.LookupResult.Valid || entry!.Value is not TResult and not null)
        {
            result = default;
            return false;
        }

        var value = (TResult)entry.Value!;
        cache.Statistics.Hit();
        QueryTelemetry.PrecomputedHit(cache, probe, entry);
        result = entry.Shared ? value : ResultCopier.Copy(value);
        return true;
    }

    /// <summary>Returns a valid sequence entry stored under <paramref name="key"/>, as a list of copies the caller may change.</summary>
    /// <typeparam name="T">The element type (part of the key).</typeparam>
    /// <param name="cache">The cache.</param>
    /// <param name="key">The key (<see cref="PrecomputedKeyBuilder.ToSequenceKey{T}"/>).</param>
    /// <param name="result">The rows on a hit.</param>
    /// <returns>Whether the entry was found and valid.</returns>
    public static bool TryGetSequence<T>(QueryCache cache, QueryKey key, [NotNullWhen(true)] out List<T>? result)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var probe = QueryProbe.Begin(cache);
        if (CachedQueryRunner.Lookup(cache, key, out var entry) != CachedQueryRunner.LookupResult.Valid || entry!.Value is not T[] array)
        {
            result = null;
            return false;
        }

        cache.Statistics.Hit();
        QueryTelemetry.PrecomputedHit(cache, probe, entry);
        result = entry.Shared ? [.. array] : ResultCopier.CopyList(array);
        return true;
    }
}

using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Threading;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;
using LinqToDB;

namespace CacheBot.Linq2Db.Querying;

/// <summary>
/// CacheBot's link in linq2db's process-wide async adapter (<see cref="LinqExtensions.ExtensionsAdapter"/>), installed by
/// <c>UseCacheBot</c>. linq2db's <c>ToListAsync</c>, <c>ToArrayAsync</c>, <c>ToDictionaryAsync</c>, <c>ForEachAsync</c> and
/// <c>AsAsyncEnumerable</c> take their own async path only for linq2db's internal query type; for anything else they ask
/// this adapter, and without it they would enumerate synchronously on the thread pool.
/// </summary>
/// <remarks>
/// <para>A CacheBot query (recognised by its <c>Provider</c>, which stays CacheBot's under linq2db's <c>LoadWith</c> wrapper)
/// runs through the cached read path with real async I/O on a miss. Everything else goes to the adapter that was installed
/// before (e.g. linq2db.EntityFrameworkCore's), or, when there was none, to what linq2db does without an adapter
/// (<c>Task.Run</c> over the synchronous operator). The fallbacks call <see cref="Enumerable"/>/<see cref="Queryable"/>
/// directly, never linq2db's async extensions, which would ask this adapter again.</para>
/// <para>Scalar operators (<c>FirstAsync</c>, <c>CountAsync</c>, ...) never reach the adapter for CacheBot queries: linq2db
/// sends them to the query's <c>IQueryProviderAsync</c> first (see <see cref="Linq2DbCacheBotQueryable{T}"/>).</para>
/// <para>Threading: <see cref="Install"/> is idempotent and thread-safe (a lock around read-compare-write of the static).</para>
/// </remarks>
internal sealed partial class CacheBotExtensionsAdapter : IExtensionsAdapter
{
    private static readonly Lock InstallLock = new();

    private readonly IExtensionsAdapter? _previous;

    private CacheBotExtensionsAdapter(IExtensionsAdapter? previous)
    {
        _previous = previous;
    }

    /// <summary>Gets the adapter that was installed before CacheBot's (everything that is not a CacheBot query goes there).</summary>
    public IExtensionsAdapter? Previous => _previous;

    /// <summary>Installs the adapter once per process, chained to the one already installed.</summary>
    public static void Install()
    {
        lock (InstallLock)
        {
            if (LinqExtensions.ExtensionsAdapter is CacheBotExtensionsAdapter)
            {
                return;
            }

            LinqExtensions.ExtensionsAdapter = new CacheBotExtensionsAdapter(LinqExtensions.ExtensionsAdapter);
        }
    }

    public IAsyncEnumerable<TSource> AsAsyncEnumerable<TSource>(IQueryable<TSource> source)
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return StreamAsync<TSource>(provider, source.Expression, CancellationToken.None);
        }

        if (_previous is not null)
        {
            return _previous.AsAsyncEnumerable<TSource>(source);
        }

        return SyncAsAsync(source);
    }

    public Task ForEachAsync<TSource>(IQueryable<TSource> source, Action<TSource> action, CancellationToken token)
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ForEachCachedAsync(provider, source.Expression, action, token);
        }

        if (_previous is not null)
        {
            return _previous.ForEachAsync<TSource>(source, action, token);
        }

        return Task.Run(
            () =>
            {
                foreach (var item in source)
                {
                    token.ThrowIfCancellationRequested();
                    action(item);
                }
            },
            token);
    }

    public Task<List<TSource>> ToListAsync<TSource>(IQueryable<TSource> source, CancellationToken token)
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ReadAsync<TSource>(provider, source.Expression, token).AsTask();
        }

        if (_previous is not null)
        {
            return _previous.ToListAsync<TSource>(source, token);
        }

        return Task.Run(() => Enumerable.ToList(source), token);
    }

    public Task<TSource[]> ToArrayAsync<TSource>(IQueryable<TSource> source, CancellationToken token)
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ToArrayCachedAsync<TSource>(provider, source.Expression, token);
        }

        if (_previous is not null)
        {
            return _previous.ToArrayAsync<TSource>(source, token);
        }

        return Task.Run(() => Enumerable.ToArray(source), token);
    }

    public Task<Dictionary<TKey, TSource>> ToDictionaryAsync<TSource, TKey>(IQueryable<TSource> source, Func<TSource, TKey> keySelector, CancellationToken token) where TKey : notnull
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ToDictionaryCachedAsync(provider, source, list => Enumerable.ToDictionary(list, keySelector), token);
        }

        if (_previous is not null)
        {
            return _previous.ToDictionaryAsync<TSource, TKey>(source, keySelector, token);
        }

        return Task.Run(() => Enumerable.ToDictionary(source, keySelector), token);
    }

    public Task<Dictionary<TKey, TSource>> ToDictionaryAsync<TSource, TKey>(IQueryable<TSource> source, Func<TSource, TKey> keySelector, IEqualityComparer<TKey> comparer, CancellationToken token) where TKey : notnull
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ToDictionaryCachedAsync(provider, source, list => Enumerable.ToDictionary(list, keySelector, comparer), token);
        }

        if (_previous is not null)
        {
            return _previous.ToDictionaryAsync<TSource, TKey>(source, keySelector, comparer, token);
        }

        return Task.Run(() => Enumerable.ToDictionary(source, keySelector, comparer), token);
    }

    public Task<Dictionary<TKey, TElement>> ToDictionaryAsync<TSource, TKey, TElement>(IQueryable<TSource> source, Func<TSource, TKey> keySelector, Func<TSource, TElement> elementSelector, CancellationToken token) where TKey : notnull
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ToDictionaryCachedAsync(provider, source, list => Enumerable.ToDictionary(list, keySelector, elementSelector), token);
        }

        if (_previous is not null)
        {
            return _previous.ToDictionaryAsync<TSource, TKey, TElement>(source, keySelector, elementSelector, token);
        }

        return Task.Run(() => Enumerable.ToDictionary(source, keySelector, elementSelector), token);
    }

    public Task<Dictionary<TKey, TElement>> ToDictionaryAsync<TSource, TKey, TElement>(IQueryable<TSource> source, Func<TSource, TKey> keySelector, Func<TSource, TElement> elementSelector, IEqualityComparer<TKey> comparer, CancellationToken token) where TKey : notnull
    {
        if (source.Provider is ICacheBotProvider provider)
        {
            return ToDictionaryCachedAsync(provider, source, list => Enumerable.ToDictionary(list, keySelector, elementSelector, comparer), token);
        }

        if (_previous is not null)
        {
            return _previous.ToDictionaryAsync<TSource, TKey, TElement>(source, keySelector, elementSelector, comparer, token);
        }

        return Task.Run(() => Enumerable.ToDictionary(source, keySelector, elementSelector, comparer), token);
    }

    private static ValueTask<List<T>> ReadAsync<T>(ICacheBotProvider provider, Expression expression, CancellationToken token) =>
        provider.Context.ExecuteCachedSequenceAsync<T>(expression, async: true, token);

    private static async Task<T[]> ToArrayCachedAsync<T>(ICacheBotProvider provider, Expression expression, CancellationToken token) =>
        [.. await ReadAsync<T>(provider, expression, token).ConfigureAwait(false)];

    private static async Task<TDictionary> ToDictionaryCachedAsync<T, TDictionary>(
        ICacheBotProvider provider, IQueryable<T> source, Func<List<T>, TDictionary> build, CancellationToken token) =>
        build(await ReadAsync<T>(provider, source.Expression, token).ConfigureAwait(false));

    private static async Task ForEachCachedAsync<T>(ICacheBotProvider provider, Expression expression, Action<T> action, CancellationToken token)
    {
        foreach (var item in await ReadAsync<T>(provider, expression, token).ConfigureAwait(false))
        {
            token.ThrowIfCancellationRequested();
            action(item);
        }
    }

    private static async IAsyncEnumerable<T> StreamAsync<T>(
        ICacheBotProvider provider, Expression expression, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var item in await ReadAsync<T>(provider, expression, token).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private static async IAsyncEnumerable<T> SyncAsAsync<T>(IQueryable<T> source, [EnumeratorCancellation] CancellationToken token = default)
    {
        if (source is IAsyncEnumerable<T> asyncSource)
        {
            await foreach (var item in asyncSource.WithCancellation(token).ConfigureAwait(false))
            {
                yield return item;
            }

            yield break;
        }

        foreach (var item in source)
        {
            yield return item;
        }
    }
}

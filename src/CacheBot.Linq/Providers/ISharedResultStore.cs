namespace CacheBot.Linq.Providers;

/// <summary>
/// A second-level result store that processes sharing a <see cref="CacheCoordinator"/> read and fill together (CacheBot.Redis
/// with <c>ShareResults</c>). The cache looks it up after a local miss and fills it after running the query; it validates
/// what it reads itself, so a store only keeps and returns <see cref="SharedResult"/>s.
/// </summary>
/// <remarks>
/// <para>Keys are portable: equal queries hash alike in every process running the same build (types and methods by name),
/// with the database and the tables' mapping.</para>
/// <para>A shared result is served only when this process has applied every write that could change it since its
/// position (its schemes were registered at or before that position, its dependency keys have not moved past it, and the
/// process has not lost track since). A store that fails must not throw out of these methods: log, and answer "not found".</para>
/// <para>When a method receives <c>async: false</c> the returned task must already be complete. Thread-safe.</para>
/// </remarks>
public interface ISharedResultStore
{
    /// <summary>Looks up a result stored by any process.</summary>
    /// <param name="key">The portable key.</param>
    /// <param name="resultType">The CLR type of the stored value (a scalar, an element, or an array of elements).</param>
    /// <param name="async">Whether the caller is asynchronous.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The result, or <see langword="null"/>.</returns>
    ValueTask<SharedResult?> TryGetAsync(UInt128 key, Type resultType, bool async, CancellationToken cancellationToken);

    /// <summary>Stores a result for the other processes (replacing any under the same key).</summary>
    /// <param name="key">The portable key.</param>
    /// <param name="resultType">The CLR type of <see cref="SharedResult.Value"/>.</param>
    /// <param name="result">The result; the store must not keep a reference to <see cref="SharedResult.Value"/> that it lets others change.</param>
    /// <param name="timeToLive">How long to keep it at most.</param>
    /// <param name="async">Whether the caller is asynchronous.</param>
    /// <param name="cancellationToken">Cancels the store.</param>
    /// <returns>A task that completes when the result is stored (or dropped).</returns>
    ValueTask StoreAsync(UInt128 key, Type resultType, SharedResult result, TimeSpan timeToLive, bool async, CancellationToken cancellationToken);
}

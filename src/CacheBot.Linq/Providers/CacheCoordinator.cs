namespace CacheBot.Linq.Providers;

/// <summary>
/// Keeps a <see cref="QueryCache"/> consistent with other processes that share a backend (CacheBot.Redis implements it).
/// Set it with <see cref="QueryCacheOptions.Coordinator"/>; one coordinator serves one cache.
/// </summary>
/// <remarks>
/// <para>The cache calls a coordinator at three points, and nowhere else:</para>
/// <list type="number">
/// <item><see cref="EnterReadAsync"/> before a cached read validates an entry or takes its read position. The coordinator
/// brings the local stamps up to date with other processes' writes (through the <see cref="CoordinatorLink"/> given to
/// <see cref="Attach"/>) or answers <see langword="false"/>: the query then runs uncached.</item>
/// <item><see cref="BeginCommitAsync"/> before writes commit (before an autocommit statement runs, or before a transaction
/// commits), with the tables or databases they will change. A coordinator that cannot announce the writes throws: the
/// integration must then not commit (the write fails; nothing is lost).</item>
/// <item><see cref="CompleteCommitAsync"/> after the commit: publish the writes and return the position at which the
/// cache applies them locally.</item>
/// </list>
/// <para>Positions order every write of the shared log: a write published after another has a larger position, and a
/// reader's entry is valid only while no write it depends on was applied at a position above the entry's read position
/// (docs/architecture.md, "Stamps"). A coordinator must therefore apply other processes' writes through
/// <see cref="CoordinatorLink.Apply"/> with their log positions, advance <see cref="CoordinatorLink.AdvanceReadPosition"/>
/// only past positions whose writes are all applied, and call <see cref="CoordinatorLink.Reset"/> whenever it may have
/// missed a write (a gap in the log, a restarted or flushed backend, a publish that failed).</para>
/// <para>Implementations must be thread-safe. When a method receives <c>async: false</c>, the returned task must already be
/// complete (the caller is synchronous).</para>
/// <para>Documentation: docs/scale-out.md, docs/writing-an-integration.md.</para>
/// </remarks>
public abstract class CacheCoordinator : IDisposable
{
    /// <summary>
    /// Gets whether writes should carry row images even when no local query depends on the written columns (other
    /// processes may). Default <see langword="true"/>.
    /// </summary>
    public virtual bool NeedsRowImages => true;

    /// <summary>Connects the coordinator to its cache; called once, by the <see cref="QueryCache"/> constructor.</summary>
    /// <param name="link">What the coordinator may do to the cache's local state.</param>
    protected abstract void Attach(CoordinatorLink link);

    /// <summary>Called before a cached read uses the local stamps.</summary>
    /// <param name="async">Whether the caller is asynchronous; when <see langword="false"/> the task must complete synchronously.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the local stamps reflect every write the promise requires; <see langword="false"/> to run the query uncached.</returns>
    public abstract ValueTask<bool> EnterReadAsync(bool async, CancellationToken cancellationToken);

    /// <summary>Announces writes that are about to commit.</summary>
    /// <param name="intents">What the writes will change, coarsely (table, database or everything writes; row writes name their table).</param>
    /// <param name="async">Whether the caller is asynchronous; when <see langword="false"/> the task must complete synchronously.</param>
    /// <param name="cancellationToken">Cancels the announcement (the write then does not happen).</param>
    /// <returns>A token handed back to <see cref="CompleteCommitAsync"/>.</returns>
    /// <exception cref="CacheBotException">The writes cannot be announced; the caller must not commit.</exception>
    public abstract ValueTask<object?> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken);

    /// <summary>Publishes writes that committed, or withdraws the announcement of writes that did not.</summary>
    /// <param name="token">The token <see cref="BeginCommitAsync"/> returned (<see langword="null"/> for writes reported after the fact, such as the Notify API).</param>
    /// <param name="writes">The writes as they happened (row images where known); empty when nothing was committed.</param>
    /// <param name="committed">Whether the commit happened (or may have happened); <see langword="false"/> when it certainly did not.</param>
    /// <param name="async">Whether the caller is asynchronous; when <see langword="false"/> the task must complete synchronously.</param>
    /// <param name="cancellationToken">Cancels the wait (the coordinator must then still treat the writes as unpublished).</param>
    /// <returns>
    /// The log position at which the cache applies <paramref name="writes"/> locally; <see langword="null"/> when they could
    /// not be published (the cache then drops every local entry, and the announcement must make other processes do the same).
    /// </returns>
    public abstract ValueTask<long?> CompleteCommitAsync(object? token, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken);

    internal void Connect(CoordinatorLink link) => Attach(link);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the coordinator's resources.</summary>
    /// <param name="disposing">Whether <see cref="Dispose()"/> was called (rather than a finalizer).</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}

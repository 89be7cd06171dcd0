namespace CacheBot.Linq.Providers;

/// <summary>
/// Writes on their way to a commit: obtained from <see cref="QueryCache.BeginCommit"/> just before the database commits
/// (or before an autocommit statement runs), completed just after. Integrations use it for every write path, so that a
/// coordinator (<see cref="CacheCoordinator"/>) sees each write before and after it commits.
/// </summary>
/// <remarks>
/// <para>Usage: <c>var commit = cache.BeginCommit(intents); bool done = false; try { dbCommit(); done = true; } finally {
/// commit.Complete(done ? writes : possiblyWritten, committed: done || mayHaveWritten); }</c>. Complete exactly once.</para>
/// <para>Without a coordinator this type holds no state beyond the cache and costs nothing before the commit.</para>
/// </remarks>
public sealed class CacheCommit
{
    private readonly QueryCache _cache;
    private readonly object? _token;
    private readonly bool _coordinated;

    internal CacheCommit(QueryCache cache, object? token, bool coordinated)
    {
        _cache = cache;
        _token = token;
        _coordinated = coordinated;
    }

    /// <summary>Applies (and publishes) the writes after the commit returned, or withdraws them.</summary>
    /// <param name="writes">What was written (row images where known). On an error after the database may have written, pass a table or database write.</param>
    /// <param name="committed">Whether the writes committed or may have; <see langword="false"/> only when they certainly did not (rollback).</param>
    public void Complete(IReadOnlyList<WriteRecord> writes, bool committed = true) =>
        SyncPath.Result(CompleteCoreAsync(writes, committed, async: false, CancellationToken.None));

    /// <summary>Applies (and publishes) the writes after the commit returned, or withdraws them.</summary>
    /// <param name="writes">What was written (row images where known).</param>
    /// <param name="committed">Whether the writes committed or may have.</param>
    /// <param name="cancellationToken">Cancels waiting for the coordinator (the writes are then treated as unpublished: local entries are dropped).</param>
    /// <returns>A task that completes when the writes are applied.</returns>
    public async ValueTask CompleteAsync(IReadOnlyList<WriteRecord> writes, bool committed = true, CancellationToken cancellationToken = default) =>
        await CompleteCoreAsync(writes, committed, async: true, cancellationToken).ConfigureAwait(false);

    private async ValueTask<bool> CompleteCoreAsync(IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await _cache.CompleteCommitAsync(_token, _coordinated, writes, committed, async, cancellationToken).ConfigureAwait(false);
        return true;
    }
}

using System.Runtime.InteropServices;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq;

/// <summary>The commit protocol integrations use for every write path (see <see cref="CacheCommit"/>).</summary>
public sealed partial class QueryCache
{
    /// <summary>
    /// Starts the commit of writes: call it just before the database commits (or before an autocommit statement runs),
    /// then <see cref="CacheCommit.Complete"/> right after. Without a coordinator it costs nothing; with one, the writes are
    /// announced to the other processes first.
    /// </summary>
    /// <param name="intents">What the writes will change, coarsely (a table or database write per target; row writes are fine too).</param>
    /// <returns>The commit to complete.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="intents"/> is <see langword="null"/>.</exception>
    /// <exception cref="CacheBotException">The coordinator could not announce the writes: do not commit.</exception>
    /// <remarks>Documentation: docs/writing-an-integration.md.</remarks>
    public CacheCommit BeginCommit(IReadOnlyList<WriteRecord> intents) =>
        SyncPath.Result(BeginCommitAsync(intents, async: false, CancellationToken.None));

    /// <summary>Asynchronous <see cref="BeginCommit"/>.</summary>
    /// <param name="intents">What the writes will change, coarsely.</param>
    /// <param name="cancellationToken">Cancels the announcement (the write must then not happen).</param>
    /// <returns>The commit to complete.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="intents"/> is <see langword="null"/>.</exception>
    /// <exception cref="CacheBotException">The coordinator could not announce the writes: do not commit.</exception>
    public ValueTask<CacheCommit> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, CancellationToken cancellationToken = default) =>
        BeginCommitAsync(intents, async: true, cancellationToken);

    /// <summary>
    /// Gets whether writes to <paramref name="table"/> should carry row images (some cached query depends on the values of
    /// its columns, here or, with a coordinator, possibly in another process). Without images a row write still
    /// invalidates soundly, coarsely.
    /// </summary>
    /// <param name="table">The written table.</param>
    /// <returns>Whether reading images pays off.</returns>
    public bool NeedsRowImages(TableModel table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Coordinator is { NeedsRowImages: true })
        {
            return true;
        }

        foreach (var scheme in Schemes.GetSchemes(table))
        {
            if (!scheme.IsEmpty || scheme.ReadMask != Invalidation.ColumnMask.All)
            {
                // Values narrow the scheme's keys, or the images tell which columns an update changed.
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Returns the primary key of the mapped table that cached queries have used under <paramref name="table"/>'s identity
    /// (useful when a write names a table only by its SQL name); empty when no cached query has used it.
    /// </summary>
    /// <param name="table">The table (possibly known only by name).</param>
    /// <returns>The primary-key columns, or empty.</returns>
    public IReadOnlyList<ColumnModel> KnownPrimaryKey(TableModel table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var scheme in Schemes.GetSchemes(table))
        {
            if (scheme.Table.PrimaryKey.Count > 0)
            {
                return scheme.Table.PrimaryKey;
            }
        }

        return [];
    }

    internal async ValueTask<CacheCommit> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intents);
        if (Coordinator is not { } coordinator)
        {
            return _localCommit;
        }

        var token = await coordinator.BeginCommitAsync(intents, async, cancellationToken).ConfigureAwait(false);
        return new CacheCommit(this, token, coordinated: true);
    }

    internal async ValueTask CompleteCommitAsync(object? token, bool coordinated, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken)
    {
        if (!coordinated)
        {
            if (committed && writes.Count > 0)
            {
                using var activity = Activities.StartWrites(this, writes);
                Engine.Apply(AsSpan(writes));
                Log.WriteApplied(Logger, writes.Count, writes[0].Table.QualifiedName);
            }

            return;
        }

        long? position;
        try
        {
            position = await Coordinator!.CompleteCommitAsync(token, writes, committed, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CoordinatorFailed(Logger, "publish", ex);
            position = null;
        }

        if (!committed)
        {
            return;
        }

        using var applied = Activities.StartWrites(this, writes);
        if (position is { } p)
        {
            Engine.ApplyAt(AsSpan(writes), p);
            if (writes.Count > 0)
            {
                Log.WriteApplied(Logger, writes.Count, writes[0].Table.QualifiedName);
            }
        }
        else
        {
            // The writes committed but could not be published: this process can no longer trust any entry.
            Engine.InvalidateAll();
        }
    }

    /// <summary>Applies writes reported after their commit (Notify API, write scopes).</summary>
    internal void ApplyReported(IReadOnlyList<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        if (Coordinator is null)
        {
            using var activity = Activities.StartWrites(this, writes);
            Engine.Apply(AsSpan(writes));
            Log.WriteApplied(Logger, writes.Count, writes[0].Table.QualifiedName);
            return;
        }

        CacheCommit commit;
        try
        {
            commit = BeginCommit(writes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Engine.InvalidateAll();
            throw new CacheBotException(
                "The write was applied locally but could not be published to the other processes sharing this cache: they may " +
                "serve results older than it until their time to live. Report writes inside a CacheWriteScope completed after the " +
                "commit, so that a failure to announce them can stop the commit.",
                ex);
        }

        commit.Complete(writes);
    }

    private static ReadOnlySpan<WriteRecord> AsSpan(IReadOnlyList<WriteRecord> writes) => writes switch
    {
        WriteRecord[] array => array,
        List<WriteRecord> list => CollectionsMarshal.AsSpan(list),
        _ => writes.ToArray(),
    };
}

using CacheBot.Linq.Invalidation;

namespace CacheBot.Linq.Providers;

/// <summary>
/// What a <see cref="CacheCoordinator"/> may do to its cache's local state: apply other processes' writes at their log
/// positions, move the read position, drop everything, and block entries of tables whose writes are announced but not
/// yet applied.
/// </summary>
/// <remarks>Thread-safe. See <see cref="CacheCoordinator"/> for the rules positions must follow.</remarks>
public sealed class CoordinatorLink
{
    private readonly QueryCache _cache;

    internal CoordinatorLink(QueryCache cache) => _cache = cache;

    /// <summary>Gets the cache this link drives.</summary>
    public QueryCache Cache => _cache;

    /// <summary>Gets the read position: every write at or below it has been applied.</summary>
    public long ReadPosition => _cache.Stamps.ReadPosition;

    /// <summary>Gets the largest position applied so far (this process's own writes may be applied ahead of the read position).</summary>
    public long MaxAppliedPosition => _cache.Stamps.MaxAppliedPosition;

    /// <summary>Applies writes committed elsewhere (or replayed) at <paramref name="position"/>.</summary>
    /// <param name="writes">The writes.</param>
    /// <param name="position">Their position in the shared log (greater than any position a reader read before the writes committed).</param>
    public void Apply(IReadOnlyList<WriteRecord> writes, long position)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var array = writes as WriteRecord[] ?? [.. writes];
        _cache.Engine.ApplyAt(array, position);
    }

    /// <summary>Moves the read position forward: every write at or below <paramref name="position"/> is applied.</summary>
    /// <param name="position">The new read position (smaller values are ignored).</param>
    public void AdvanceReadPosition(long position) => _cache.Stamps.AdvanceReadPosition(position);

    /// <summary>Drops every local entry (the coordinator may have missed writes).</summary>
    public void Reset() => _cache.Engine.InvalidateAll();

    /// <summary>
    /// Replaces the set of announced-but-unapplied writes: no entry that reads their tables (or databases) validates until
    /// the set no longer names them. Pass an empty list to clear it.
    /// </summary>
    /// <param name="intents">The announced writes (only their tables and databases matter).</param>
    public void SetUnsettled(IReadOnlyList<WriteRecord> intents)
    {
        ArgumentNullException.ThrowIfNull(intents);
        var array = intents as WriteRecord[] ?? [.. intents];
        foreach (var intent in array)
        {
            if (intent.Kind == WriteKind.Everything)
            {
                _cache.Engine.InvalidateAll();
                _cache.Stamps.SetUnsettled([]);
                return;
            }
        }

        _cache.Stamps.SetUnsettled(InvalidationEngine.EpochKeys(array));
    }
}

namespace CacheBot.Linq;

/// <summary>
/// Per-query caching choices, passed to <see cref="CacheBotQueryableExtensions.Cache{T}(IQueryable{T}, CacheQueryOptions)"/>.
/// Immutable; the cache-wide settings live in <see cref="QueryCacheOptions"/>.
/// </summary>
/// <remarks>Documentation: docs/architecture.md.</remarks>
public sealed record CacheQueryOptions
{
    private readonly TimeSpan? _timeToLive;

    /// <summary>Gets how long the result may stay cached; <see langword="null"/> uses <see cref="QueryCacheOptions.DefaultTimeToLive"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between one tick and <see cref="QueryCacheOptions.MaxTimeToLive"/>.</exception>
    public TimeSpan? TimeToLive
    {
        get => _timeToLive;
        init => _timeToLive = value is null ? null : QueryCacheOptions.ValidateTimeToLive(value.Value, nameof(TimeToLive));
    }

    /// <summary>
    /// Gets whether hits return the cached objects themselves instead of copies. Faster, but the caller must
    /// treat the results as read-only: a mutation would be seen by every later caller.
    /// </summary>
    public bool SharedResults { get; init; }
}

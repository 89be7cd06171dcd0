using CacheBot.Linq;

namespace CacheBot.Redis.Tests.Infrastructure;

public sealed class Photo
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public int Status { get; set; }

    public string Title { get; set; } = "";
}

/// <summary>
/// An in-memory table shared by several caches that stand for processes (each with its own Redis connection): writes are
/// made to the rows and reported to one cache, reads go through another.
/// </summary>
public sealed class SharedRows
{
    private readonly List<Photo> _rows = [.. Enumerable.Range(1, 8).Select(i => new Photo { Id = i, UserId = i % 2, Status = 1, Title = "p" + i })];
    private readonly IQueryable<Photo> _root;

    public SharedRows() => _root = _rows.AsQueryable(); // one root object: keys hash it by identity

    public int CountUser(QueryCache cache, int userId) => _root.AsCacheBot(cache).Cache().Count(p => p.UserId == userId);

    public Task<int> CountUserAsync(QueryCache cache, int userId) =>
        Task.FromResult(_root.AsCacheBot(cache).Cache().Count(p => p.UserId == userId));

    public int CountStatus(QueryCache cache, int status) => _root.AsCacheBot(cache).Cache().Count(p => p.Status == status);

    /// <summary>Changes a row "in the database" and reports it through <paramref name="cache"/> (after the commit).</summary>
    public void Update(QueryCache cache, int id, int? userId = null, int? status = null)
    {
        var (before, after) = Change(id, userId, status);
        cache.NotifyUpdated(before, after);
    }

    /// <summary>Changes a row without reporting it (the caller reports it, or plays a writer that died).</summary>
    public (Photo Before, Photo After) Change(int id, int? userId = null, int? status = null)
    {
        var index = _rows.FindIndex(p => p.Id == id);
        var before = _rows[index];
        var after = new Photo { Id = before.Id, UserId = userId ?? before.UserId, Status = status ?? before.Status, Title = before.Title };
        _rows[index] = after;
        return (before, after);
    }

    public string TitlesOfUser(QueryCache cache, int userId) =>
        string.Join(",", _root.AsCacheBot(cache).Cache().Where(p => p.UserId == userId).OrderBy(p => p.Id).Select(p => p.Title).ToList());

    /// <summary>Changes a row's title in place (the same object before and after), without reporting it.</summary>
    public Photo ChangeTitleInPlace(int id, string title)
    {
        var row = _rows.Single(p => p.Id == id);
        row.Title = title;
        return row;
    }

    public static QueryCache Cache(string redis, Action<RedisCacheOptions>? configure = null, string? name = null) =>
        new(new QueryCacheOptions().UseRedis(redis + (name is null ? "" : ",name=" + name), configure));
}

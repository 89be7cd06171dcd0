using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Precision;

/// <summary>
/// The 15 read shapes of the Zipf workload, over any cached source of photos (the core over an in-memory source, or
/// linq2db): one definition for the precision benchmark and the scale-out hit-ratio run.
/// </summary>
internal static class ZipfReads
{
    /// <summary>Runs read <paramref name="shape"/> with the drawn values; returns a number derived from its answer.</summary>
    public static int Run(IQueryable<Photo> q, int shape, int u, int s, int a, int k, int id) => shape switch
    {
        0 => q.FirstOrDefault(p => p.Id == id)?.Id ?? 0,
        1 => q.Cache().Where(p => p.UserId == u).ToList().Count,
        2 => q.Cache().Where(p => p.UserId == u && p.Status == s).ToList().Count,
        3 => q.Cache().Where(p => p.AlbumId == a).ToList().Count,
        4 => q.Cache().Where(p => p.AlbumId == a && p.Status == s).ToList().Count,
        5 => q.Cache().Where(p => p.UserId == u && p.Kind == k).ToList().Count,
        6 => q.Cache().Count(p => p.UserId == u && p.Status == s),
        7 => q.Cache().Count(p => p.AlbumId == a),
        8 => q.Cache().Where(p => p.Status == s && p.Kind == k && p.UserId == u).ToList().Count,
        9 => ContainsRead(q, id),
        10 => q.Cache().Where(p => p.UserId == u).OrderBy(p => p.Id).Take(10).ToList().Count,
        11 => q.Cache().Any(p => p.UserId == u && p.AlbumId == a) ? 1 : 0,
        12 => q.Cache().Where(p => p.UserId == u && p.Status == s).Select(p => p.Title).ToList().Count,
        13 => q.Cache().Where(p => p.Kind == k && p.AlbumId == a).ToList().Count,
        _ => q.Cache().Where(p => p.UserId == u && p.Views > 500).ToList().Count,
    };

    private static int ContainsRead(IQueryable<Photo> q, int id)
    {
        int[] ids = [id, id + 1, id + 2];
        return q.Cache().Where(p => ids.Contains(p.Id)).ToList().Count;
    }
}

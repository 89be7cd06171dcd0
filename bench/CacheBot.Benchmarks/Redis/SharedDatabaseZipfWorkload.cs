using CacheBot.Benchmarks.Fixtures;
using CacheBot.Benchmarks.Precision;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// The Zipf workload of <see cref="ZipfWorkload"/> (90% reads of the same 15 shapes, 10% single-row updates) run by one
/// "process" through linq2db on a database file every process shares: reads are cached through <c>AsCacheBot()</c>,
/// writes are LINQ DML <c>Set(...).Update()</c> on the CacheBot connection (announced and published through Redis). Unlike an
/// in-memory source, whose root is keyed by object identity and so never shared between processes, linq2db queries have
/// portable keys: with <c>ShareResults</c> one process's result answers another's cold miss.
/// </summary>
internal sealed class SharedDatabaseZipfWorkload : IDisposable
{
    private readonly Random _random;
    private readonly DataConnection _db;
    private readonly HashSet<(int Shape, int A, int B, int C)> _seen = [];
    private readonly ZipfSampler _users = new(PhotoData.UserCount);
    private readonly ZipfSampler _albums = new(PhotoData.AlbumCount);
    private readonly ZipfSampler _ids = new(PhotoData.PhotoCount);
    private readonly ZipfSampler _statuses = new(PhotoData.StatusCount);
    private readonly ZipfSampler _kinds = new(4);

    public SharedDatabaseZipfWorkload(QueryCache cache, DataOptions database, int seed)
    {
        _random = new Random(seed);
        _db = new DataConnection(database.UseCacheBot(cache));
    }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    /// <summary>Gets the number of distinct queries (shape and parameters) this process read: its cold misses without shared results.</summary>
    public int DistinctQueries => _seen.Count;

    public void Dispose() => _db.Dispose();

    public void Step()
    {
        if (_random.NextDouble() < 0.1)
        {
            Write();
        }
        else
        {
            Read(_random.Next(ZipfWorkload.Shapes));
        }
    }

    private void Write()
    {
        Writes++;
        var id = _ids.Next(_random);
        var photos = _db.GetTable<Photo>().Where(p => p.Id == id);
        var kind = _random.NextDouble();
        if (kind < 0.6)
        {
            photos.Set(p => p.Views, p => p.Views + 1).Update();
        }
        else if (kind < 0.8)
        {
            var title = "title " + _random.Next(1000);
            photos.Set(p => p.Title, title).Update();
        }
        else if (kind < 0.95)
        {
            photos.Set(p => p.Status, p => (p.Status + 1) % PhotoData.StatusCount).Update();
        }
        else
        {
            var album = _albums.Next(_random);
            photos.Set(p => p.AlbumId, album).Update();
        }
    }

    private void Read(int shape)
    {
        Reads++;
        var q = _db.GetTable<Photo>().AsCacheBot();
        var u = _users.Next(_random);
        var s = _statuses.Next(_random) - 1;
        var a = _albums.Next(_random);
        var k = _kinds.Next(_random) - 1;
        var id = _ids.Next(_random);
        _seen.Add(shape switch
        {
            0 or 9 => (shape, id, 0, 0),
            1 or 10 or 14 => (shape, u, 0, 0),
            2 or 6 or 12 => (shape, u, s, 0),
            3 or 7 => (shape, a, 0, 0),
            4 => (shape, a, s, 0),
            5 => (shape, u, k, 0),
            8 => (shape, s, k, u),
            11 => (shape, u, a, 0),
            _ => (shape, k, a, 0),
        });
        _ = shape switch
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
    }

    private static int ContainsRead(IQueryable<Photo> q, int id)
    {
        int[] ids = [id, id + 1, id + 2];
        return q.Cache().Where(p => ids.Contains(p.Id)).ToList().Count;
    }
}

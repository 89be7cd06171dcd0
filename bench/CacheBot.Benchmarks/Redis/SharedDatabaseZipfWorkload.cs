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
        _ = ZipfReads.Run(q, shape, u, s, a, k, id);
    }
}

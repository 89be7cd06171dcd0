using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;

namespace CacheBot.Benchmarks.Precision;

/// <summary>
/// The precision workload: 90% reads of 15 query shapes with Zipf-distributed parameter values, 10% single-row updates
/// (view counters, titles, status and album moves) reported through <c>NotifyUpdated</c>. Deterministic for a seed, so
/// every granularity sees exactly the same operations.
/// </summary>
internal sealed class ZipfWorkload
{
    public const int Shapes = 15;

    private readonly Random _random;
    private readonly Photo[] _rows;
    private readonly IQueryable<Photo> _source;
    private readonly QueryCache _cache;
    private readonly bool _reportWrites;
    private readonly ZipfSampler _users = new(PhotoData.UserCount);
    private readonly ZipfSampler _albums = new(PhotoData.AlbumCount);
    private readonly ZipfSampler _ids = new(PhotoData.PhotoCount);
    private readonly ZipfSampler _statuses = new(PhotoData.StatusCount);
    private readonly ZipfSampler _kinds = new(4);

    public ZipfWorkload(QueryCache cache, int seed, bool reportWrites = true)
    {
        _cache = cache;
        _reportWrites = reportWrites;
        _random = new Random(seed);
        _rows = PhotoData.Photos().ToArray();

        // Reads go to a source that answers instantly: the hit ratio depends only on keys and invalidation, and a
        // LINQ-to-Objects miss would spend a millisecond in Expression.Compile. Writes carry the real row images.
        _source = new EmptyQueryable<Photo>().AsCacheBot(cache);
    }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    public void Step()
    {
        if (_random.NextDouble() < 0.1)
        {
            Write();
        }
        else
        {
            Read(_random.Next(Shapes));
        }
    }

    private void Write()
    {
        Writes++;
        var index = _ids.Next(_random) - 1;
        var before = _rows[index];
        var after = before.Clone();
        var kind = _random.NextDouble();
        if (kind < 0.6)
        {
            after.Views++;
        }
        else if (kind < 0.8)
        {
            after.Title = "title " + _random.Next(1000);
        }
        else if (kind < 0.95)
        {
            after.Status = (before.Status + 1) % PhotoData.StatusCount;
        }
        else
        {
            after.AlbumId = _albums.Next(_random);
        }

        _rows[index] = after;
        if (_reportWrites)
        {
            _cache.NotifyUpdated(before, after);
        }
    }

    private void Read(int shape)
    {
        Reads++;
        var q = _source;
        var u = _users.Next(_random);
        var s = _statuses.Next(_random) - 1;
        var a = _albums.Next(_random);
        var k = _kinds.Next(_random) - 1;
        var id = _ids.Next(_random);
        _ = ZipfReads.Run(q, shape, u, s, a, k, id);
    }
}

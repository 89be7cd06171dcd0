using CacheBot.Benchmarks.Fixtures;
using CacheBot.EntityFrameworkCore;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.Benchmarks.Precision;

/// <summary>The Zipf workload's photos as an EF Core model (the fixture's <see cref="Photo"/>, indexed like the linq2db database).</summary>
internal sealed class EfZipfContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Photo> Photos => Set<Photo>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Photo>().ToTable("Photo").Ignore(p => p.User);
        modelBuilder.Entity<Photo>().Property(p => p.Id).ValueGeneratedNever();
        modelBuilder.Entity<Photo>().HasIndex(p => p.UserId);
        modelBuilder.Entity<Photo>().HasIndex(p => p.AlbumId);
    }
}

/// <summary>
/// The precision workload of <see cref="ZipfWorkload"/> through EF Core on SQLite: 90% reads of the same 15 shapes
/// (<see cref="ZipfReads"/>) on <c>Photos.AsCacheBot()</c>, 10% single-row updates with the same mix (view counter, title,
/// status move, album move), sent by EF itself: half <c>ExecuteUpdate</c> (row images read by CacheBot), half
/// <c>SaveChanges</c> of a tracked entity (images from the change tracker). Deterministic for a seed.
/// </summary>
internal sealed class EfZipfWorkload : IDisposable
{
    private readonly Random _random;
    private readonly EfZipfContext _reads;
    private readonly EfZipfContext _writes;
    private readonly ZipfSampler _users = new(PhotoData.UserCount);
    private readonly ZipfSampler _albums = new(PhotoData.AlbumCount);
    private readonly ZipfSampler _ids = new(PhotoData.PhotoCount);
    private readonly ZipfSampler _statuses = new(PhotoData.StatusCount);
    private readonly ZipfSampler _kinds = new(4);

    /// <param name="cache">The cache the reads use.</param>
    /// <param name="connectionString">A seeded SQLite database.</param>
    /// <param name="seed">The operation seed.</param>
    /// <param name="reportWrites">False: writes go through a context without CacheBot (nothing is invalidated: the upper bound).</param>
    public EfZipfWorkload(QueryCache cache, string connectionString, int seed, bool reportWrites)
    {
        _random = new Random(seed);
        // No-tracking reads: tracking queries that return entities bypass the cache (EF hands out the tracked instances).
        _reads = new EfZipfContext(new DbContextOptionsBuilder<EfZipfContext>().UseSqlite(connectionString).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).UseCacheBot(cache).Options);
        var writes = new DbContextOptionsBuilder<EfZipfContext>().UseSqlite(connectionString);
        _writes = new EfZipfContext((reportWrites ? writes.UseCacheBot(cache) : writes).Options);
    }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    /// <summary>Creates the table and its 10,000 photos.</summary>
    public static void Seed(string connectionString)
    {
        using var db = new EfZipfContext(new DbContextOptionsBuilder<EfZipfContext>().UseSqlite(connectionString).Options);
        db.Database.EnsureCreated();
        db.Photos.AddRange(PhotoData.Photos());
        db.SaveChanges();
    }

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

    public void Dispose()
    {
        _reads.Dispose();
        _writes.Dispose();
    }

    private void Write()
    {
        Writes++;
        var id = _ids.Next(_random);
        var kind = _random.NextDouble();
        var title = "title " + _random.Next(1000);
        var album = _albums.Next(_random);
        if (_random.Next(2) == 0)
        {
            var rows = _writes.Photos.Where(p => p.Id == id);
            _ = kind switch
            {
                < 0.6 => rows.ExecuteUpdate(s => s.SetProperty(p => p.Views, p => p.Views + 1)),
                < 0.8 => rows.ExecuteUpdate(s => s.SetProperty(p => p.Title, title)),
                < 0.95 => rows.ExecuteUpdate(s => s.SetProperty(p => p.Status, p => (p.Status + 1) % PhotoData.StatusCount)),
                _ => rows.ExecuteUpdate(s => s.SetProperty(p => p.AlbumId, album)),
            };
            return;
        }

        var photo = _writes.Photos.AsTracking().First(p => p.Id == id);
        if (kind < 0.6)
        {
            photo.Views++;
        }
        else if (kind < 0.8)
        {
            photo.Title = title;
        }
        else if (kind < 0.95)
        {
            photo.Status = (photo.Status + 1) % PhotoData.StatusCount;
        }
        else
        {
            photo.AlbumId = album;
        }

        _writes.SaveChanges();
        _writes.ChangeTracker.Clear();
    }

    private void Read(int shape)
    {
        Reads++;
        var u = _users.Next(_random);
        var s = _statuses.Next(_random) - 1;
        var a = _albums.Next(_random);
        var k = _kinds.Next(_random) - 1;
        var id = _ids.Next(_random);
        _ = ZipfReads.Run(_reads.Photos.AsCacheBot(), shape, u, s, a, k, id);
    }
}

using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Randomized;

/// <summary>
/// The differential test: random writes through every EF write path (SaveChanges of tracked, detached and stub entities,
/// inserts with generated keys, deletes with cascades, many-to-many links, ExecuteUpdate/ExecuteDelete, raw SQL,
/// transactions committed and rolled back) interleaved with random cached reads of 16 shapes; every cached answer is
/// compared with the same query run on a context without CacheBot. Any difference is a stale read. Prints the hit ratio and
/// the oracle hit ratio (a repeated read whose answer did not change since its last execution).
/// Operations: CACHEBOT_DIFF_OPS (default 20,000); seed: CACHEBOT_DIFF_SEED (default random, printed).
/// </summary>
public sealed class DifferentialTests
{
    private delegate Task<object?> Shape(ShopContext db, bool cached, int a, int b, CancellationToken ct);

    private static IQueryable<T> Q<T>(ShopContext db, bool cached)
        where T : class => cached ? db.Set<T>().AsCacheBot().Cache() : db.Set<T>();

    private static readonly Shape[] Shapes =
    [
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.UserId == a).OrderBy(p => p.Id).Select(p => new { p.Id, p.Title, p.Status }).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).CountAsync(p => p.UserId == a && p.Status == b % 3, ct),
        async (db, c, a, b, ct) => (await (c ? db.Photos.AsCacheBot() : db.Photos).FirstOrDefaultAsync(p => p.Id == a * 3 + b, ct))?.Title,
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.Kind == (PhotoKind)(b % 3)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.User!.Name == "user" + a).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.AlbumId == null && p.UserId == a).Select(p => p.Id).OrderBy(i => i).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.Tags.Any(t => t.Name == (b % 2 == 0 ? "sun" : "sea"))).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<User>(db, c).Include(u => u.Photos).Where(u => u.Id == a).Select(u => new { u.Name, Photos = u.Photos.OrderBy(p => p.Id).Select(p => p.Title).ToList() }).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Include(p => p.Comments).Where(p => p.Id == a + b).Select(p => p.Comments.OrderBy(x => x.Id).Select(x => x.Text).ToList()).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => new[] { a, b }.Contains(p.UserId)).SumAsync(p => p.Status, ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).GroupBy(p => p.UserId).Select(g => new { g.Key, N = g.Count() }).OrderBy(x => x.Key).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Comment>(db, c).CountAsync(x => x.PhotoId == a * 2 + b, ct),
        async (db, c, a, b, ct) => await Q<Tag>(db, c).Where(t => t.Photos.Any(p => p.UserId == a)).OrderBy(t => t.Id).Select(t => t.Name).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.IsPublic && p.UserId == a).MaxAsync(p => (int?)p.Id, ct),
        async (db, c, a, b, ct) => await Q<User>(db, c).Where(u => u.Photos.Count() > b).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(ct),
        async (db, c, a, b, ct) => await Q<Photo>(db, c).Where(p => p.Title == "p" + a + "_" + b).Select(p => new { p.Id, p.UserId }).ToListAsync(ct),
    ];

    /// <summary>
    /// Which of the parameters each shape's query reads: the oracle counts a read as repeated when a read of the same shape
    /// with the same values of these came before (as the cache key does), not of parameters the query ignores.
    /// </summary>
    private static readonly (bool A, bool B)[] ShapeReads =
    [
        (true, false), (true, true), (true, true), (false, true), (true, false), (true, false), (false, true), (true, false),
        (true, true), (true, true), (false, false), (true, true), (true, false), (true, false), (false, true), (true, true),
    ];

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task RandomWorkload_CachedAnswersAlwaysEqualUncachedAnswers(string kind)
    {
        var ops = int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_OPS"), out var o) ? o : 20_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_SEED"), out var s) ? s : Random.Shared.Next();
        var writeRatio = double.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_WRITES"), System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0.15;
        var random = new Random(seed);
        var ct = TestContext.Current.CancellationToken;
        using var shop = new ShopFixture(kind, "efdiff", new QueryCacheOptions { SizeLimit = 1_000_000 });
        await using var cached = shop.Cached();
        await using var plain = shop.Plain();
        var last = new Dictionary<(int, int, int), string>();
        int reads = 0, writes = 0, oracleHits = 0;
        var perShape = new (int Reads, int Hits, int OracleHits)[Shapes.Length];
        for (var i = 0; i < ops; i++)
        {
            if (random.NextDouble() >= writeRatio)
            {
                reads++;
                var shape = random.Next(Shapes.Length);
                int a = random.Next(1, 6), b = random.Next(0, 5);
                var hitsBefore = shop.Cache.Statistics.Hits;
                var fromCache = await Answers.OfAsync(() => Shapes[shape](cached, true, a, b, ct));
                perShape[shape].Reads++;
                perShape[shape].Hits += shop.Cache.Statistics.Hits > hitsBefore ? 1 : 0;
                var fromDatabase = await Answers.OfAsync(() => Shapes[shape](plain, false, a, b, ct));
                if (fromCache != fromDatabase)
                {
                    Assert.Fail($"Stale read on {kind}: seed {seed}, operation {i}, shape {shape}, parameters ({a}, {b}).\ncached:   {fromCache}\ndatabase: {fromDatabase}");
                }

                var oracleKey = (shape, ShapeReads[shape].A ? a : 0, ShapeReads[shape].B ? b : 0);
                if (last.TryGetValue(oracleKey, out var previous) && previous == fromDatabase)
                {
                    oracleHits++;
                    perShape[shape].OracleHits++;
                }

                last[oracleKey] = fromDatabase;
            }
            else
            {
                writes++;
                await WriteAsync(shop, cached, random, ct);
                cached.ChangeTracker.Clear();
            }
        }

        var stats = shop.Cache.Statistics;
        var report = $"{kind}: seed {seed}, {ops} operations ({reads} reads, {writes} writes): hits {stats.Hits}, misses {stats.Misses}, " +
            $"bypasses {stats.Bypasses}, hit ratio {stats.HitRatio:P1}, oracle hit ratio {(double)oracleHits / Math.Max(1, reads):P1}, stale 0";
        for (var shape = 0; shape < Shapes.Length; shape++)
        {
            report += $"\n  shape {shape,2}: {perShape[shape].Reads,5} reads, {perShape[shape].Hits,5} hits, {perShape[shape].OracleHits,5} oracle hits";
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);
        Assert.True(stats.Hits > 0, "the workload never hit the cache: " + report);
    }

    private static async Task WriteAsync(ShopFixture shop, ShopContext db, Random random, CancellationToken ct)
    {
        var a = random.Next(1, 6);
        var photoId = random.Next(1, 30);
        switch (random.Next(10))
        {
            case 0:
                if (await db.Photos.AsTracking().FirstOrDefaultAsync(p => p.Id == photoId, ct) is { } p0)
                {
                    p0.UserId = random.Next(1, 5);
                    p0.Status = random.Next(3);
                    p0.Kind = (PhotoKind)random.Next(3);
                    await db.SaveChangesAsync(ct);
                }

                break;
            case 1:
                db.Photos.Add(new Photo { UserId = random.Next(1, 5), Title = "p" + a + "_" + random.Next(5), Status = random.Next(3), IsPublic = random.Next(2) == 0, Taken = DateTime.UtcNow.Date });
                await db.SaveChangesAsync(ct);
                break;
            case 2:
                if (await db.Photos.AsNoTracking().FirstOrDefaultAsync(p => p.Id == photoId, ct) is { } p2)
                {
                    p2.Title = "p" + a + "_" + random.Next(5);
                    p2.IsPublic = !p2.IsPublic;
                    db.Update(p2);
                    await db.SaveChangesAsync(ct);
                }

                break;
            case 3:
                if (await db.Photos.AnyAsync(p => p.Id == photoId, ct))
                {
                    db.Remove(new Photo { Id = photoId });
                    await db.SaveChangesAsync(ct);
                }

                break;
            case 4:
                await db.Photos.Where(p => p.UserId == a).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => (p.Status + 1) % 3), ct);
                break;
            case 5:
                await db.Comments.Where(c => c.PhotoId == photoId).ExecuteDeleteAsync(ct);
                db.Comments.Add(new Comment { PhotoId = random.Next(1, 21), Text = "c" + random.Next(9) });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // the photo was deleted: the insert fails, nothing was written
                }

                break;
            case 6:
                await db.Database.ExecuteSqlAsync($"UPDATE \"Users\" SET \"Name\" = {"user" + random.Next(1, 7)} WHERE \"Id\" = {a}", ct);
                break;
            case 7:
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                if (await db.Photos.AsTracking().FirstOrDefaultAsync(p => p.Id == photoId, ct) is { } p7)
                {
                    p7.AlbumId = random.Next(2) == 0 ? null : random.Next(1, 3);
                    p7.UserId = random.Next(1, 5);
                    await db.SaveChangesAsync(ct);
                }

                if (random.Next(2) == 0)
                {
                    await tx.CommitAsync(ct);
                }
                else
                {
                    await tx.RollbackAsync(ct);
                }

                break;
            }

            case 8:
                if (await db.Photos.AsTracking().Include(p => p.Tags).FirstOrDefaultAsync(p => p.Id == photoId, ct) is { } p8)
                {
                    var tagId = random.Next(1, 4);
                    var tag = await db.Tags.AsTracking().FirstAsync(t => t.Id == tagId, ct);
                    if (!p8.Tags.Remove(tag))
                    {
                        p8.Tags.Add(tag);
                    }

                    await db.SaveChangesAsync(ct);
                }

                break;
            default:
                if (await db.Users.AsTracking().FirstOrDefaultAsync(u => u.Id == a, ct) is { } u)
                {
                    u.Name = "user" + random.Next(1, 7);
                    await db.SaveChangesAsync(ct);
                }

                break;
        }
    }
}

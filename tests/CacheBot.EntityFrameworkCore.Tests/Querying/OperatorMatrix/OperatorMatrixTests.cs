using System.Linq.Expressions;
using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Querying.OperatorMatrix;

/// <summary>
/// The operator matrix: every shape (predicates over string, date, nullable, enum, Guid, decimal, double and bool members,
/// navigations, Contains and OR, times every terminal, plus GroupBy, joins, left joins, SelectMany, set operators,
/// subqueries, Include and async terminals) runs without CacheBot, then through the cache (miss, then hit), then again
/// after a write that changes most answers and after one that changes none. Every run must give the same answer (or
/// throw the same exception type) as the query without CacheBot.
/// </summary>
public sealed class OperatorMatrixTests
{
    private delegate Task<object?> Shape(IQueryable<Photo> photos, ShopContext db, bool cached, CancellationToken ct);

    private static readonly (string Name, Expression<Func<Photo, bool>> Predicate)[] Predicates =
    [
        ("int", p => p.UserId == 2),
        ("string", p => p.Title == "p1_3"),
        ("string-startswith", p => p.Title.StartsWith("p2")),
        ("date", p => p.Taken == new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc)),
        ("nullable", p => p.AlbumId == null),
        ("nullable-value", p => p.AlbumId == 1),
        ("enum", p => p.Kind == PhotoKind.Edited),
        ("guid", p => p.Key == new Guid(3, 1, 0, new byte[8])),
        ("decimal", p => p.Price == 3.0m),
        ("double", p => p.Score == 0.5),
        ("bool", p => p.IsPublic),
        ("navigation", p => p.User!.Name == "user3"),
        ("contains", p => new[] { 1, 3 }.Contains(p.UserId)),
        ("or", p => p.UserId == 1 || p.Status == 2),
        ("range", p => p.Status > 0 && p.UserId != 4),
    ];

    private static readonly (string Name, Shape Run)[] Terminals =
    [
        ("ToList", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct)),
        ("Count", async (q, db, c, ct) => await q.CountAsync(ct)),
        ("Any", async (q, db, c, ct) => await q.AnyAsync(ct)),
        ("FirstOrDefault", async (q, db, c, ct) => (await q.OrderBy(p => p.Id).FirstOrDefaultAsync(ct))?.Title),
        ("First", async (q, db, c, ct) => q.OrderByDescending(p => p.Id).First().Id),
        ("Sum", async (q, db, c, ct) => await q.SumAsync(p => p.Status, ct)),
        ("Max", async (q, db, c, ct) => await q.MaxAsync(p => (int?)p.Id, ct)),
        ("Min", async (q, db, c, ct) => q.Min(p => (double?)p.Score)),
        ("Average", async (q, db, c, ct) => q.Select(p => (double?)p.Status).Average()),
        ("Projection", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Select(p => new { p.Id, p.Title, p.Kind, User = p.User!.Name }).ToListAsync(ct)),
        ("Single", async (q, db, c, ct) => q.Where(p => p.Id == 7).Select(p => p.Title).SingleOrDefault()),
    ];

    private static readonly (string Name, Shape Run)[] Extra =
    [
        ("GroupBy", async (q, db, c, ct) => await q.GroupBy(p => p.UserId).Select(g => new { g.Key, N = g.Count(), S = g.Sum(p => p.Status) }).OrderBy(x => x.Key).ToListAsync(ct)),
        ("GroupByKind", async (q, db, c, ct) => await q.GroupBy(p => p.Kind).Select(g => new { g.Key, M = g.Max(p => p.Id) }).OrderBy(x => x.Key).ToListAsync(ct)),
        ("Join", async (q, db, c, ct) => await q.Join(Set<User>(db, c), p => p.UserId, u => u.Id, (p, u) => new { p.Id, u.Name }).Where(x => x.Name == "user2").OrderBy(x => x.Id).ToListAsync(ct)),
        ("LeftJoin", async (q, db, c, ct) => await (from p in q join a in Set<Album>(db, c) on p.AlbumId equals a.Id into g from a in g.DefaultIfEmpty() orderby p.Id select new { p.Id, Album = a == null ? null : a.Name }).ToListAsync(ct)),
        ("SelectMany", async (q, db, c, ct) => await Set<User>(db, c).Where(u => u.Id <= 2).SelectMany(u => u.Photos).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct)),
        ("SelectManyTags", async (q, db, c, ct) => await q.Where(p => p.UserId == 1).SelectMany(p => p.Tags).Select(t => t.Name).OrderBy(n => n).ToListAsync(ct)),
        ("Union", async (q, db, c, ct) => await q.Where(p => p.UserId == 1).Select(p => p.Id).Union(q.Where(p => p.Status == 2).Select(p => p.Id)).OrderBy(i => i).ToListAsync(ct)),
        ("Concat", async (q, db, c, ct) => await q.Where(p => p.UserId == 1).Select(p => p.Title).Concat(Set<User>(db, c).Select(u => u.Name)).OrderBy(s => s).ToListAsync(ct)),
        ("Except", async (q, db, c, ct) => await q.Select(p => p.UserId).Except(Set<User>(db, c).Where(u => u.Id > 2).Select(u => u.Id)).OrderBy(i => i).ToListAsync(ct)),
        ("Subquery", async (q, db, c, ct) => await q.Where(p => Set<Comment>(db, c).Any(x => x.PhotoId == p.Id && x.Text == "c1")).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct)),
        ("SubqueryCount", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Select(p => new { p.Id, N = p.Comments.Count() }).ToListAsync(ct)),
        ("Include", async (q, db, c, ct) => (await q.Include(p => p.Tags).Include(p => p.User).Where(p => p.UserId == 3).OrderBy(p => p.Id).ToListAsync(ct)).Select(p => new { p.Id, Tags = p.Tags.Select(t => t.Name).Order().ToList(), p.User!.Name })),
        ("IncludeSplit", async (q, db, c, ct) => (await Set<User>(db, c).Include(u => u.Photos).ThenInclude(p => p.Comments).AsSplitQuery().OrderBy(u => u.Id).ToListAsync(ct)).Select(u => new { u.Id, P = u.Photos.OrderBy(p => p.Id).Select(p => p.Comments.Count).ToList() })),
        ("Distinct", async (q, db, c, ct) => await q.Select(p => p.Status).Distinct().OrderBy(s => s).ToListAsync(ct)),
        ("SkipTake", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Skip(3).Take(4).Select(p => p.Id).ToListAsync(ct)),
        ("TakeWhere", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Take(6).Where(p => p.UserId == 1).Select(p => p.Id).ToListAsync(ct)),
        ("StringOps", async (q, db, c, ct) => await q.Where(p => p.Title.Contains("_1") || p.Title.EndsWith('2')).OrderBy(p => p.Id).Select(p => p.Title.ToUpperInvariant()).ToListAsync(ct)),
        ("DateParts", async (q, db, c, ct) => await q.Where(p => p.Taken.Day == 2).OrderBy(p => p.Id).Select(p => p.Taken.Year).ToListAsync(ct)),
        ("NullableMath", async (q, db, c, ct) => await q.OrderBy(p => p.Id).Select(p => p.AlbumId ?? -1).ToListAsync(ct)),
        ("EnumProjection", async (q, db, c, ct) => await q.Where(p => p.Kind != PhotoKind.Raw).OrderBy(p => p.Id).Select(p => new { p.Kind, p.Key }).ToListAsync(ct)),
        ("AsyncEnumerable", async (q, db, c, ct) =>
        {
            var list = new List<int>();
            await foreach (var p in q.Where(p => p.UserId == 2).OrderBy(p => p.Id).AsAsyncEnumerable().WithCancellation(ct))
            {
                list.Add(p.Id);
            }

            return list;
        }),
        ("Throws", async (q, db, c, ct) => await q.Where(p => p.UserId == 99).Select(p => p.Id).FirstAsync(ct)),
        ("ThrowsSingle", async (q, db, c, ct) => q.Select(p => p.Id).Single()),
        ("ManyToManyAny", async (q, db, c, ct) => await Set<Tag>(db, c).Where(t => t.Photos.Any(p => p.UserId == 2)).OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(ct)),
        ("Tracking", async (q, db, c, ct) => await q.AsTracking().Where(p => p.UserId == 4).OrderBy(p => p.Id).Select(p => p.Title).ToListAsync(ct)),
    ];

    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var kind in new[] { "sqlite", "postgres" })
            {
                for (var batch = 0; batch < 4; batch++)
                {
                    data.Add(kind, batch);
                }
            }

            return data;
        }
    }

    public static int ShapeCount => Predicates.Length * Terminals.Length + Extra.Length;

    [Theory, MemberData(nameof(Cases))]
    public async Task EveryShape_MatchesUncached_MissHitAndAfterWrites(string kind, int batch)
    {
        Assert.True(ShapeCount >= 150, "the matrix has " + ShapeCount + " shapes");
        var ct = TestContext.Current.CancellationToken;
        var shapes = new List<(string Name, Shape Run)>();
        foreach (var (pname, predicate) in Predicates)
        {
            foreach (var (tname, terminal) in Terminals)
            {
                shapes.Add((pname + "/" + tname, (q, db, c, t) => terminal(q.Where(predicate), db, c, t)));
            }
        }

        shapes.AddRange(Extra);
        var mine = shapes.Where((_, i) => i % 4 == batch).ToList();
        using var shop = new ShopFixture(kind, "efmx");
        await using var cached = shop.Cached();
        await using var plain = shop.Plain();
        var failures = new List<string>();
        var round = 0;
        foreach (var (name, run) in mine)
        {
            await CompareAsync(name, "miss", run);
            await CompareAsync(name, "hit", run);
            await ChangingWriteAsync(plain, round++, ct);
            await CompareAsync(name, "after changing write", run);
            await plain.Database.ExecuteSqlRawAsync("SELECT 1", ct);
            await using (var writer = shop.Cached())
            {
                // A write no photo shape reads: a comment nobody matches.
                writer.Comments.Add(new Comment { PhotoId = 7, Text = "zz" + round });
                await writer.SaveChangesAsync(ct);
            }

            await CompareAsync(name, "after unrelated write", run);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(shop.Cache.Statistics.Hits > 0);

        async Task CompareAsync(string name, string phase, Shape run)
        {
            var expected = await Answers.OfAsync(() => run(plain.Photos, plain, false, ct));
            var actual = await Answers.OfAsync(() => run(cached.Photos.AsCacheBot().Cache(), cached, true, ct));
            if (expected != actual)
            {
                failures.Add($"{kind} {name} ({phase}): expected {expected}, got {actual}");
            }
        }

        async Task ChangingWriteAsync(ShopContext db, int n, CancellationToken token)
        {
            // Through CacheBot (the cached context's own write paths), rotating what changes.
            _ = db;
            await using var writer = shop.Cached();
            switch (n % 4)
            {
                case 0:
                    await writer.Photos.Where(p => p.Id % 3 == n % 3).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => (p.Status + 1) % 3).SetProperty(p => p.Kind, p => p.Kind == PhotoKind.Raw ? PhotoKind.Published : PhotoKind.Raw), token);
                    break;
                case 1:
                    foreach (var p in await writer.Photos.AsTracking().Where(p => p.Id % 4 == n % 4).ToListAsync(token))
                    {
                        p.UserId = p.UserId % 4 + 1;
                        p.Title = "p" + p.UserId + "_" + (p.Id % 5);
                        p.AlbumId = p.AlbumId is null ? 1 : null;
                        p.IsPublic = !p.IsPublic;
                    }

                    await writer.SaveChangesAsync(token);
                    break;
                case 2:
                    writer.Photos.Add(new Photo { UserId = n % 4 + 1, Title = "p1_3", Status = 2, Taken = new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc), Price = 3.0m, Score = 0.5, Key = new Guid(3, 1, 0, new byte[8]), Kind = PhotoKind.Edited, IsPublic = true, Comments = [new Comment { Text = "c1" }] });
                    await writer.SaveChangesAsync(token);
                    break;
                default:
                    var victim = await writer.Photos.OrderByDescending(p => p.Id).FirstAsync(token);
                    writer.Remove(victim);
                    var user = await writer.Users.AsTracking().FirstAsync(u => u.Id == n % 4 + 1, token);
                    user.Name = user.Name == "user3" ? "user2" : "user3";
                    await writer.SaveChangesAsync(token);
                    break;
            }
        }
    }

    private static IQueryable<T> Set<T>(ShopContext db, bool cached)
        where T : class => cached ? db.Set<T>().AsCacheBot() : db.Set<T>().AsQueryable();
}

using LinqToDB;
using LinqToDB.Async;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>linq2db's async terminals, after filters and projections, and async gets.</summary>
public static class AsyncShapes
{
    private const string F = "async";

    public static IEnumerable<MatrixShape> Create() =>
    [
        A(F, "ToListAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).ToListAsync(ct)),
        A(F, "ToArrayAsync projection", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Title).ToArrayAsync(ct)),
        A(F, "ToDictionaryAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).ToDictionaryAsync(p => p.Id, ct)),
        A(F, "ToDictionaryAsync element selector", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.Status == 1).ToDictionaryAsync(p => p.Id, p => p.Title, ct)),
        A(F, "FirstOrDefaultAsync predicate", async (c, ct) => await c.Q<MxPhoto>().FirstOrDefaultAsync(p => p.Id == 4, ct)),
        A(F, "FirstOrDefaultAsync after Select", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.Id == 4).Select(p => p.Title).FirstOrDefaultAsync(ct)),
        A(F, "FirstAsync anonymous", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).OrderBy(p => p.Id).Select(p => new { p.Id, p.Title }).FirstAsync(ct)),
        A(F, "SingleOrDefaultAsync get", async (c, ct) => await c.G<MxPhoto>().SingleOrDefaultAsync(p => p.Id == 4, ct)),
        A(F, "SingleAsync DTO", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.Id == 4).Select(p => new PhotoDto { Id = p.Id, Title = p.Title }).SingleAsync(ct)),
        A(F, "CountAsync", async (c, ct) => await c.Q<MxPhoto>().CountAsync(p => p.UserId == 1, ct)),
        A(F, "LongCountAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.IsPublic).LongCountAsync(ct)),
        A(F, "AnyAsync", async (c, ct) => await c.Q<MxPhoto>().AnyAsync(p => p.Id > 15, ct)),
        A(F, "AllAsync", async (c, ct) => await c.Q<MxPhoto>().AllAsync(p => p.Status < 3, ct)),
        A(F, "SumAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).SumAsync(p => p.Score, ct)),
        A(F, "MaxAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).MaxAsync(p => p.Id, ct)),
        A(F, "MinAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).MinAsync(p => p.Title, ct)),
        A(F, "AverageAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).AverageAsync(p => p.Rating, ct)),
        A(F, "ContainsAsync", async (c, ct) => await c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Id).ContainsAsync(5, ct)),
        A(F, "AsAsyncEnumerable", async (c, ct) =>
        {
            var items = new List<int>();
            await foreach (var id in c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Id).AsAsyncEnumerable().WithCancellation(ct))
            {
                items.Add(id);
            }

            return items;
        }),
        A(F, "GroupBy ToListAsync", async (c, ct) => await c.Q<MxPhoto>().GroupBy(p => p.Status).Select(g => new { g.Key, C = g.Count() }).ToListAsync(ct)),
    ];
}

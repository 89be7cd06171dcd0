using LinqToDB;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Navigations: to-one in filters and projections, to-many Any/Count/All, LoadWith and ThenLoad.</summary>
public static class NavigationShapes
{
    private const string F = "navigation";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "to-one in filter", c => c.Q<MxPhoto>().Where(p => p.User.Name == "ann").Select(p => p.Id).ToList()),
        S(F, "to-one key in filter", c => c.Q<MxPhoto>().Where(p => p.User.Id == 2).Select(p => p.Title).ToList()),
        S(F, "to-one entity compared with captured", c =>
        {
            var user = MatrixSeed.User(3);
            return c.Q<MxPhoto>().Where(p => p.User == user).Select(p => p.Id).ToList();
        }),
        S(F, "to-one in projection", c => c.Q<MxPhoto>().Where(p => p.Status == 1).Select(p => new { p.Id, p.User.Name, p.User.Email }).ToList()),
        S(F, "to-many Any", c => c.Q<MxPhoto>().Where(p => p.Tags.Any(t => t.Name == "new")).Select(p => p.Id).ToList()),
        S(F, "to-many Count", c => c.Q<MxUser>().Select(u => new { u.Id, N = u.Photos.Count(p => p.IsPublic) }).ToList()),
        S(F, "to-many All", c => c.Q<MxUser>().Where(u => u.Photos.All(p => p.Status < 2)).Select(u => u.Id).ToList()),
        S(F, "two hops", c => c.Q<MxTag>().Where(t => t.Photo.User.Name == "ann").Select(t => t.Id).ToList()),
        S(F, "LoadWith to-many", c => c.Q<MxPhoto>().LoadWith(p => p.Tags).Where(p => p.UserId == 1).ToList()
            .Select(p => new { p.Id, Tags = p.Tags.Select(t => t.Name).Order(StringComparer.Ordinal).ToList() }).ToList()),
        S(F, "LoadWith to-one", c => c.Q<MxPhoto>().LoadWith(p => p.User).Where(p => p.Status == 2).ToList().Select(p => new { p.Id, p.User.Name }).ToList()),
        S(F, "LoadWith ThenLoad", c => c.Q<MxUser>().LoadWith(u => u.Photos).ThenLoad(p => p.Tags).ToList()
            .Select(u => new { u.Id, Tags = u.Photos.SelectMany(p => p.Tags).Select(t => t.Id).Order().ToList() }).ToList()),
        S(F, "get with LoadWith", c => c.G<MxPhoto>().LoadWith(p => p.Tags).FirstOrDefault(p => p.Id == 1) is { } p
            ? new { p.Id, p.Title, Tags = p.Tags.Count } : null),
    ];
}

using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Every projection (entity, scalar, anonymous, DTO, record, tuple, nested member, nullable) with every terminal.</summary>
public static class ProjectionShapes
{
    private const string F = "projection";

    public static IEnumerable<MatrixShape> Create() =>
        Terminals("entity", q => q, MatrixSeed.Photo(4), true)
            .Concat(Terminals("string", q => q.Select(x => x.Title), "p4", true))
            .Concat(Terminals("int", q => q.Select(x => x.Id), 4, true))
            .Concat(Terminals("anonymous", q => q.Select(x => new { x.Id, x.Title, x.Status }), null, false))
            .Concat(Terminals("DTO", q => q.Select(x => new PhotoDto { Id = x.Id, Title = x.Title, UserName = x.User.Name }), null, false))
            .Concat(Terminals("record", q => q.Select(x => new PhotoRecord(x.Id, x.Title)), new PhotoRecord(4, "p4"), true))
            .Concat(Terminals("tuple", q => q.Select(x => new ValueTuple<int, string>(x.Id, x.Title)), (4, "p4"), true))
            .Concat(Terminals("nested member", q => q.Select(x => x.User.Name), "ann", true))
            .Concat(Terminals("nullable", q => q.Select(x => x.AlbumId), (int?)null, true));

    private static IEnumerable<MatrixShape> Terminals<T>(string p, Func<IQueryable<MxPhoto>, IQueryable<T>> project, T? item, bool hasItem)
    {
        // User 1's photos (1, 4, 7, 10) in Id order; photo 4 (while it is user 1's) for Single; photos above 15 for Any.
        IQueryable<T> Many(MatrixContext c) => project(c.Q<MxPhoto>().Where(x => x.UserId == 1).OrderBy(x => x.Id));
        IQueryable<T> One(MatrixContext c) => project(c.Q<MxPhoto>().Where(x => x.Id == 4 && x.UserId == 1));
        IQueryable<T> Get(MatrixContext c) => project(c.G<MxPhoto>().Where(x => x.Id == 4 && x.UserId == 1));
        IQueryable<T> New(MatrixContext c) => project(c.Q<MxPhoto>().Where(x => x.Id > 15));

        yield return S(F, p + " ToList", c => Many(c).ToList(), ordered: true);
        yield return S(F, p + " ToArray", c => Many(c).ToArray(), ordered: true);
        yield return S(F, p + " First", c => Many(c).First());
        yield return S(F, p + " FirstOrDefault", c => Many(c).FirstOrDefault());
        yield return S(F, p + " Single", c => One(c).Single());
        yield return S(F, p + " SingleOrDefault", c => One(c).SingleOrDefault());
        yield return S(F, p + " get FirstOrDefault (no Cache())", c => Get(c).FirstOrDefault());
        yield return S(F, p + " get Single (no Cache())", c => Get(c).Single());
        yield return S(F, p + " Last", c => Many(c).Last());
        yield return S(F, p + " LastOrDefault", c => Many(c).LastOrDefault());
        yield return S(F, p + " ElementAt", c => Many(c).ElementAt(1));
        yield return S(F, p + " ElementAtOrDefault", c => Many(c).ElementAtOrDefault(3));
        yield return S(F, p + " Any", c => New(c).Any());
        yield return S(F, p + " Count", c => Many(c).Count());
        yield return S(F, p + " LongCount", c => Many(c).LongCount());
        if (hasItem)
        {
            yield return S(F, p + " Contains", c => Many(c).Contains(item!));
        }
    }
}

using LinqToDB;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Set operators: Union, Concat, Intersect, Except, Distinct, linq2db UnionAll.</summary>
public static class SetShapes
{
    private const string F = "set";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "Union of titles", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Title).Union(c.T<MxArchive>().Select(a => a.Title)).ToList()),
        S(F, "Concat of titles", c => c.Q<MxPhoto>().Where(p => p.UserId == 2).Select(p => p.Title).Concat(c.T<MxArchive>().Select(a => a.Title)).ToList()),
        S(F, "Intersect of titles", c => c.Q<MxPhoto>().Select(p => p.Title).Intersect(c.T<MxArchive>().Select(a => a.Title)).ToList()),
        S(F, "Except of titles", c => c.Q<MxPhoto>().Where(p => p.Id < 8).Select(p => p.Title).Except(c.T<MxArchive>().Select(a => a.Title)).ToList()),
        S(F, "Distinct statuses", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Status).Distinct().ToList()),
        S(F, "Distinct anonymous", c => c.Q<MxPhoto>().Select(p => new { p.UserId, p.Status }).Distinct().ToList()),
        S(F, "Union of anonymous rows", c => c.Q<MxPhoto>().Where(p => p.Status == 0).Select(p => new { p.UserId, p.Title })
            .Union(c.T<MxArchive>().Select(a => new { a.UserId, a.Title })).ToList()),
        S(F, "linq2db UnionAll", c => c.Q<MxPhoto>().Where(p => p.UserId == 3).Select(p => p.Status).UnionAll(c.T<MxArchive>().Select(a => a.Status)).ToList()),
        S(F, "Concat then Count", c => c.Q<MxPhoto>().Select(p => p.UserId).Concat(c.T<MxArchive>().Select(a => a.UserId)).Count(x => x == 1)),
        S(F, "Union of same table", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Union(c.T<MxPhoto>().Where(p => p.Status == 2)).Select(p => p.Id).ToList()),
    ];
}

using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Ordering and paging: OrderBy, ThenBy, descending, Skip, Take, filters after paging.</summary>
public static class OrderingShapes
{
    private const string F = "ordering";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "OrderBy", c => c.Q<MxPhoto>().OrderBy(p => p.Title).Select(p => p.Title).ToList(), ordered: true),
        S(F, "OrderByDescending", c => c.Q<MxPhoto>().OrderByDescending(p => p.Score).Select(p => p.Id).ToList(), ordered: true),
        S(F, "OrderBy ThenByDescending", c => c.Q<MxPhoto>().OrderBy(p => p.Status).ThenByDescending(p => p.Id).Select(p => p.Id).ToList(), ordered: true),
        S(F, "OrderBy navigation ThenBy", c => c.Q<MxPhoto>().OrderBy(p => p.User.Name).ThenBy(p => p.Id).Select(p => p.Id).ToList(), ordered: true),
        S(F, "Take", c => c.Q<MxPhoto>().OrderBy(p => p.Id).Take(3).Select(p => p.Title).ToList(), ordered: true),
        S(F, "Skip", c => c.Q<MxPhoto>().OrderBy(p => p.Id).Skip(9).Select(p => p.Id).ToList(), ordered: true),
        S(F, "Skip Take", c => c.Q<MxPhoto>().OrderBy(p => p.Id).Skip(2).Take(3).Select(p => p.Id).ToList(), ordered: true),
        S(F, "Where then Take", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).OrderByDescending(p => p.Id).Take(2).Select(p => p.Id).ToList(), ordered: true),
        S(F, "Take then Where", c => c.Q<MxPhoto>().OrderBy(p => p.Id).Take(4).Where(p => p.Status == 1).Select(p => p.Id).ToList(), ordered: true),
        S(F, "Distinct then OrderBy", c => c.Q<MxPhoto>().Select(p => p.Status).Distinct().OrderBy(s => s).ToList(), ordered: true),
        S(F, "OrderBy then First", c => c.Q<MxPhoto>().Where(p => p.Status == 1).OrderByDescending(p => p.Title).First().Id),
        S(F, "captured Take count", c =>
        {
            var count = 2;
            return c.Q<MxPhoto>().OrderBy(p => p.Title).Take(count).Select(p => p.Id).ToList();
        }, ordered: true),
    ];
}

using LinqToDB;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Subqueries over another table: Any, Contains, Count, correlated and not, scalar subqueries in projections.</summary>
public static class SubqueryShapes
{
    private const string F = "subquery";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "correlated Any", c => c.Q<MxPhoto>().Where(p => c.Db.GetTable<MxTag>().Any(t => t.PhotoId == p.Id)).Select(p => p.Id).ToList()),
        S(F, "correlated Any with constant", c => c.Q<MxPhoto>().Where(p => c.Db.GetTable<MxTag>().Any(t => t.PhotoId == p.Id && t.Name == "new")).Select(p => p.Id).ToList()),
        S(F, "not Any", c => c.Q<MxPhoto>().Where(p => !c.Db.GetTable<MxTag>().Any(t => t.PhotoId == p.Id)).Select(p => p.Id).ToList()),
        S(F, "Contains over subquery", c => c.Q<MxPhoto>().Where(p => c.Db.GetTable<MxTag>().Select(t => t.PhotoId).Contains(p.Id)).Select(p => p.Title).ToList()),
        S(F, "uncorrelated Contains", c => c.Q<MxPhoto>().Where(p => c.Db.GetTable<MxUser>().Where(u => u.Level == 1).Select(u => u.Id).Contains(p.UserId)).Select(p => p.Id).ToList()),
        S(F, "correlated Count in filter", c => c.Q<MxPhoto>().Where(p => c.Db.GetTable<MxTag>().Count(t => t.PhotoId == p.Id) > 1).Select(p => p.Id).ToList()),
        S(F, "Count in projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => new { p.Id, Tags = c.Db.GetTable<MxTag>().Count(t => t.PhotoId == p.Id) }).ToList()),
        S(F, "scalar subquery in projection", c => c.Q<MxPhoto>().Where(p => p.Status == 1)
            .Select(p => new { p.Id, Owner = c.Db.GetTable<MxUser>().Where(u => u.Id == p.UserId).Select(u => u.Name).FirstOrDefault() }).ToList()),
        S(F, "subquery over the same table", c => c.Q<MxPhoto>().Where(p => p.Score > c.Db.GetTable<MxPhoto>().Where(x => x.UserId == 2).Average(x => x.Score)).Select(p => p.Id).ToList()),
        S(F, "captured subquery", c =>
        {
            var levelOne = c.Db.GetTable<MxUser>().Where(u => u.Level == 1).Select(u => u.Id);
            return c.Q<MxPhoto>().Where(p => levelOne.Contains(p.UserId)).Select(p => p.Id).ToList();
        }),
    ];
}

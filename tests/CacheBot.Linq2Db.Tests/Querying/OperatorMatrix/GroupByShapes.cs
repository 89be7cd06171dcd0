using LinqToDB;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>GroupBy in every form: key, element and result selectors, aggregates, HAVING, composite and navigation keys, group joins.</summary>
public static class GroupByShapes
{
    private const string F = "groupby";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "key + Count()", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Select(g => new { g.Key, Count = g.Count() }).ToList()),
        S(F, "Where before, key + Count()", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).GroupBy(x => x.Status).Select(g => new { g.Key, Count = g.Count() }).ToList()),
        S(F, "Sum, Max, Min, Average", c => c.Q<MxPhoto>().GroupBy(x => x.Status)
            .Select(g => new { g.Key, Sum = g.Sum(x => x.Id), Max = g.Max(x => x.Score), Min = g.Min(x => x.Title), Avg = g.Average(x => x.Rating) }).ToList()),
        S(F, "element selector", c => c.Q<MxPhoto>().GroupBy(x => x.UserId, x => x.Id).Select(g => new { g.Key, Max = g.Max() }).ToList()),
        S(F, "result selector", c => c.Q<MxPhoto>().GroupBy(x => x.UserId, (k, items) => new { k, C = items.Count() }).ToList()),
        S(F, "element + result selectors", c => c.Q<MxPhoto>().GroupBy(x => x.UserId, x => x.Status, (k, s) => new { k, S = s.Sum() }).ToList()),
        S(F, "composite key", c => c.Q<MxPhoto>().GroupBy(x => new { x.UserId, x.IsPublic }).Select(g => new { g.Key.UserId, g.Key.IsPublic, C = g.Count() }).ToList()),
        S(F, "enum key", c => c.Q<MxPhoto>().GroupBy(x => x.Kind).Select(g => new { g.Key, C = g.Count() }).ToList()),
        S(F, "navigation key", c => c.Q<MxPhoto>().GroupBy(x => x.User.Name).Select(g => new { g.Key, C = g.Count() }).ToList()),
        S(F, "HAVING on count", c => c.Q<MxPhoto>().GroupBy(x => x.Status).Where(g => g.Count() > 3).Select(g => g.Key).ToList()),
        S(F, "HAVING on key", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Where(g => g.Key == 1).Select(g => g.Sum(x => x.Id)).ToList()),
        S(F, "linq2db Having", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Having(g => g.Count() > 3).Select(g => g.Key).ToList()),
        S(F, "g.Count(predicate)", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Select(g => new { g.Key, C = g.Count(x => x.IsPublic) }).ToList()),
        S(F, "g.Select().Distinct().Count()", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Select(g => new { g.Key, C = g.Select(x => x.Status).Distinct().Count() }).ToList()),
        S(F, "count of groups", c => c.Q<MxPhoto>().GroupBy(x => x.Status).Count()),
        S(F, "ordered by aggregate, First", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).First()),
        S(F, "query syntax group into", c => (from x in c.Q<MxPhoto>() group x by x.Status into g orderby g.Key select new { g.Key, N = g.Count() }).ToList(), ordered: true),
        S(F, "first of each group", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).Select(g => g.OrderBy(x => x.Id).First().Title).ToList()),
        S(F, "groups enumerated (ToList of groups)", c => c.Q<MxPhoto>().GroupBy(x => x.UserId).ToList().Select(g => new { g.Key, Ids = g.Select(x => x.Id).Order().ToList() }).ToList()),
        S(F, "group join Count()", c => c.Q<MxPhoto>().GroupJoin(c.T<MxTag>(), p => p.Id, t => t.PhotoId, (p, g) => new { p.Id, Tags = g.Count() }).ToList()),
        S(F, "group join into + Sum", c => (from u in c.Q<MxUser>() join p in c.T<MxPhoto>() on u.Id equals p.UserId into ps select new { u.Name, S = ps.Sum(p => p.Status) }).ToList()),
    ];
}

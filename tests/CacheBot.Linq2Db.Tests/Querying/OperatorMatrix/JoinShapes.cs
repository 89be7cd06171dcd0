using LinqToDB;
using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Joins: Join, query syntax, composite keys, left joins (GroupJoin + DefaultIfEmpty), linq2db joins, SelectMany.</summary>
public static class JoinShapes
{
    private const string F = "join";
    private const string M = "selectmany";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "Join method syntax", c => c.Q<MxPhoto>().Join(c.T<MxUser>(), p => p.UserId, u => u.Id, (p, u) => new { p.Id, u.Name }).ToList()),
        S(F, "join query syntax + where", c => (from p in c.Q<MxPhoto>() join u in c.T<MxUser>() on p.UserId equals u.Id where u.Level == 1 && p.Status == 1 select new { p.Id, u.Name }).ToList()),
        S(F, "join composite key", c => (from p in c.Q<MxPhoto>() join a in c.T<MxArchive>() on new { p.UserId, p.Status } equals new { a.UserId, a.Status } select new { p.Id, a.Title }).ToList()),
        S(F, "join then Count", c => c.Q<MxPhoto>().Join(c.T<MxTag>(), p => p.Id, t => t.PhotoId, (p, t) => t.Name).Count()),
        S(F, "join from the inner table's side", c => (from t in c.Q<MxTag>() join p in c.T<MxPhoto>() on t.PhotoId equals p.Id where p.UserId == 1 select new { t.Id, p.Title }).ToList()),
        S(F, "left join (GroupJoin + DefaultIfEmpty)", c => (from p in c.Q<MxPhoto>() join t in c.T<MxTag>() on p.Id equals t.PhotoId into g
                                                               from t in g.DefaultIfEmpty() select new { p.Id, Tag = t == null ? null : t.Name }).ToList()),
        S(F, "left join, where inner is null", c => (from p in c.Q<MxPhoto>() join t in c.T<MxTag>() on p.Id equals t.PhotoId into g
                                                       from t in g.DefaultIfEmpty() where t == null select p.Id).ToList()),
        S(F, "left join, where inner column null", c => (from u in c.Q<MxUser>() join p in c.T<MxPhoto>() on u.Id equals p.UserId into g
                                                           from p in g.DefaultIfEmpty() where p.AlbumId == null select new { u.Id, P = (int?)p.Id }).ToList()),
        S(F, "linq2db InnerJoin", c => c.Q<MxPhoto>().InnerJoin(c.T<MxUser>(), (p, u) => p.UserId == u.Id && u.Level == 1, (p, u) => new { p.Id, u.Name }).ToList()),
        S(F, "linq2db LeftJoin", c => c.Q<MxUser>().LeftJoin(c.T<MxPhoto>(), (u, p) => u.Id == p.UserId && p.Status == 1, (u, p) => new { u.Id, P = (int?)p.Id }).ToList()),
        S(F, "linq2db RightJoin", c => c.Q<MxPhoto>().RightJoin(c.T<MxUser>(), (p, u) => p.UserId == u.Id && p.Status == 1, (p, u) => new { P = (int?)p.Id, u.Id }).ToList()),
        S(F, "linq2db FullJoin", c => c.Q<MxPhoto>().FullJoin(c.T<MxUser>(), (p, u) => p.UserId == u.Id && p.Status == 2, (p, u) => new { P = (int?)p.Id, U = (int?)u.Id }).ToList()),
        S(F, "linq2db CrossJoin", c => c.Q<MxUser>().CrossJoin(c.T<MxArchive>(), (u, a) => new { u.Id, a.Title }).Count(x => x.Title == "p1")),
        S(F, "linq2db Join(SqlJoinType.Left)", c => c.Q<MxUser>().Join(c.T<MxPhoto>(), SqlJoinType.Left, (u, p) => u.Id == p.UserId, (u, p) => new { u.Id, P = (int?)p.Id }).ToList()),
        S(F, "linq2db InnerJoin(predicate) in query", c => (from p in c.Q<MxPhoto>() from u in c.Db.GetTable<MxUser>().InnerJoin(u => u.Id == p.UserId) where u.Level == 2 select p.Id).ToList()),
        S(F, "linq2db LeftJoin(predicate) in query", c => (from u in c.Q<MxUser>() from p in c.Db.GetTable<MxPhoto>().LeftJoin(p => p.UserId == u.Id && p.IsPublic) select new { u.Id, P = (int?)p.Id }).ToList()),
        S(F, "linq2db RightJoin(predicate) in query", c => (from p in c.Q<MxPhoto>().Where(p => p.Status == 1) from u in c.Db.GetTable<MxUser>().RightJoin(u => u.Id == p.UserId) select new { P = (int?)p.Id, u.Id }).ToList()),
        S(F, ".NET LeftJoin", c => c.Q<MxUser>().LeftJoin(c.T<MxPhoto>(), u => u.Id, p => p.UserId, (u, p) => new { u.Id, P = p == null ? (int?)null : p.Id }).ToList()),
        S(M, "SelectMany navigation", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).SelectMany(p => p.Tags).Select(t => t.Name).ToList()),
        S(M, "SelectMany result selector", c => c.Q<MxPhoto>().SelectMany(p => p.Tags, (p, t) => new { p.Id, t.Name }).ToList()),
        S(M, "SelectMany filtered collection", c => c.Q<MxUser>().SelectMany(u => u.Photos.Where(p => p.Status == 1)).Select(p => p.Id).ToList()),
        S(M, "SelectMany cross product", c => (from u in c.Q<MxUser>() from a in c.Db.GetTable<MxArchive>() where a.UserId == u.Id select new { u.Name, a.Title }).ToList()),
        S(M, "SelectMany over a table from a helper method (refused)", c => (from u in c.Q<MxUser>() from a in c.T<MxArchive>() where a.UserId == u.Id select new { u.Name, a.Title }).ToList()),
        S(M, "SelectMany DefaultIfEmpty", c => (from u in c.Q<MxUser>() from p in u.Photos.DefaultIfEmpty() select new { u.Id, P = (int?)p.Id }).ToList()),
        S(M, "SelectMany over table with where", c => (from p in c.Q<MxPhoto>() from t in c.Db.GetTable<MxTag>().Where(t => t.PhotoId == p.Id) where !p.IsPublic select t.Id).ToList()),
    ];
}

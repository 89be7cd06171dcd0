using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace CacheBot.Redis.Worker;

/// <summary>Random query parameters.</summary>
public sealed record P(int User, int Status, int Id, int Level, string Name, string Tag, int? Album, int[] Users, bool Async);

/// <summary>
/// The query shapes of the differential test, each run cached (through CacheBot) or as truth (plain linq2db). Row shapes
/// project the version of every row their answer depends on (membership and content); scalar shapes are compared whole.
/// </summary>
public static class Shapes
{
    public delegate Task<Answer> Shape(DataConnection db, bool cached, P p, CancellationToken ct);

    private static IQueryable<T> Q<T>(DataConnection db, bool cached)
        where T : class
    {
        var table = db.GetTable<T>();
        return cached ? table.AsCacheBot().Cache() : table;
    }

    private static IQueryable<T> Get<T>(DataConnection db, bool cached)
        where T : class => cached ? db.GetTable<T>().AsCacheBot() : db.GetTable<T>();

    private static async Task<List<T>> List<T>(IQueryable<T> query, bool async, CancellationToken ct) =>
        async ? await query.ToListAsync(ct) : query.ToList();

    private static Component C(string prefix, int id, long version) => new(prefix + id, version);

    private static Row Photo(RPhoto x) => new("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x));

    public static readonly Shape[] RowShapes =
    [
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.UserId == p.User && x.Status == p.Status)
            .Select(x => new { x.Id, x.Version, x.Title, x.AlbumId, x.IsPublic }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        (db, c, p, ct) => Task.FromResult(Answer.Of(Get<RPhoto>(db, c).FirstOrDefault(x => x.Id == p.Id) is { } x ? [Photo(x)] : [])),
        (db, c, p, ct) => Task.FromResult(Answer.Of(Get<RPhoto>(db, c).Where(x => x.Id == p.Id).SingleOrDefault() is { } x ? [Photo(x)] : [])),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => p.Users.Contains(x.UserId))
            .Select(x => new { x.Id, x.Version, x.UserId }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.Status != p.Status && x.UserId == p.User), p.Async, ct)).Select(Photo)),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.Id > p.Id && x.Id <= p.Id + 15)
            .Select(x => new { x.Id, x.Version, x.Status }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.User!.Name == p.Name)
            .Select(x => new { x.Id, x.Version, x.UserId, UserVersion = x.User!.Version }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version), C("U:", x.UserId, x.UserVersion)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(
            from x in Q<RPhoto>(db, c)
            join u in db.GetTable<RUser>() on x.UserId equals u.Id
            where u.Level == p.Level && x.Status == p.Status
            select new { x.Id, x.Version, x.UserId, UserVersion = u.Version, u.Name },
            p.Async,
            ct)).Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version), C("U:", x.UserId, x.UserVersion)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.Tags.Any(t => t.Name == p.Tag))
            .Select(x => new { x.Id, x.Version, TagVersion = x.Tags.Where(t => t.Name == p.Tag).Max(t => t.Version) }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version), new Component(null, x.TagVersion)], Answer.Content(x)))),
        (db, c, p, ct) => Task.FromResult(Answer.Of(Get<RUser>(db, c).FirstOrDefault(u => u.Id == p.User) is { } u
            ? [new Row("U:" + u.Id, [C("U:", u.Id, u.Version)], Answer.Content(new { u.Id, u.Name, u.Level, u.Version }))]
            : [])),
        async (db, c, p, ct) => Answer.Of((await List(Q<RTag>(db, c).Where(t => t.PhotoId == p.Id), p.Async, ct))
            .Select(t => new Row("T:" + t.Id, [C("T:", t.Id, t.Version)], Answer.Content(t)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.UserId == p.User || x.Status == p.Status)
            .Select(x => new { x.Id, x.Version }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.AlbumId == p.Album)
            .Select(x => new { x.Id, x.Version }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.Status == p.Status && x.IsPublic)
            .Select(x => new { x.Id, x.Version, x.Title }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version)], Answer.Content(x)))),
        async (db, c, p, ct) => Answer.Of((await List(Q<RPhoto>(db, c).Where(x => x.User!.Level == p.Level && x.IsPublic)
            .Select(x => new { x.Id, x.Version, x.UserId, UserVersion = x.User!.Version, x.User.Name }), p.Async, ct))
            .Select(x => new Row("P:" + x.Id, [C("P:", x.Id, x.Version), C("U:", x.UserId, x.UserVersion)], Answer.Content(x)))),
    ];

    /// <summary>
    /// Photos of a user with their tags: cached through LoadWith (two statements in linq2db's own load transaction); the
    /// truth reads the same data with two queries inside the caller's snapshot transaction.
    /// </summary>
    private static Answer LoadWithTags(DataConnection db, bool cached, P p)
    {
        if (cached)
        {
            return Answer.Value(Q<RPhoto>(db, true).LoadWith(x => x.Tags).Where(x => x.UserId == p.User).OrderBy(x => x.Id).ToList()
                .Select(x => new { x.Id, x.Version, Tags = x.Tags.OrderBy(t => t.Id).Select(t => new { t.Id, t.Version }).ToList() }).ToList());
        }

        var photos = db.GetTable<RPhoto>().Where(x => x.UserId == p.User).OrderBy(x => x.Id).ToList();
        var tags = (from t in db.GetTable<RTag>() join x in db.GetTable<RPhoto>() on t.PhotoId equals x.Id where x.UserId == p.User select t).ToList();
        return Answer.Value(photos.Select(x => new { x.Id, x.Version, Tags = tags.Where(t => t.PhotoId == x.Id).OrderBy(t => t.Id).Select(t => new { t.Id, t.Version }).ToList() }).ToList());
    }

    public static readonly Shape[] ScalarShapes =
    [
        async (db, c, p, ct) => Answer.Value(p.Async ? await Q<RPhoto>(db, c).CountAsync(x => x.Status == p.Status, ct) : Q<RPhoto>(db, c).Count(x => x.Status == p.Status)),
        (db, c, p, ct) => Task.FromResult(Answer.Value(Q<RPhoto>(db, c).Any(x => x.UserId == p.User && x.Status == p.Status))),
        (db, c, p, ct) => Task.FromResult(Answer.Value(Q<RPhoto>(db, c).Where(x => x.UserId == p.User).Sum(x => x.Status))),
        (db, c, p, ct) => Task.FromResult(Answer.Value(Q<RPhoto>(db, c).Where(x => x.UserId == p.User).Max(x => (int?)x.Id))),
        async (db, c, p, ct) => Answer.Value(await List(Q<RPhoto>(db, c).OrderBy(x => x.Id).Take(20).Where(x => x.Status == p.Status).Select(x => new { x.Id, x.Version }), p.Async, ct)),
        (db, c, p, ct) => Task.FromResult(LoadWithTags(db, c, p)),
        async (db, c, p, ct) => Answer.Value(await List(Q<RUser>(db, c).Where(u => u.Photos.Count(x => x.Status == p.Status) > 1).OrderBy(u => u.Id).Select(u => u.Id), p.Async, ct)),
    ];
}

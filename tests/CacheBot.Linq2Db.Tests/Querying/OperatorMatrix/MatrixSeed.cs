using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>The matrix's tables and rows, and the pool of writes each shape is checked after.</summary>
public static class MatrixSeed
{
    public static readonly string[] UserNames = ["ann", "bob", "cid", "dee"];
    public static readonly string[] TagNames = ["dog", "sun", "sea", "sky"];

    public static MxUser User(int id) => new() { Id = id, Name = UserNames[id - 1], Level = id == 4 ? 3 : id % 2 == 0 ? 2 : 1, Email = id % 2 == 1 ? UserNames[id - 1] + "@x" : null };

    public static MxPhoto Photo(int i) => new()
    {
        Id = i,
        UserId = ((i - 1) % 3) + 1,
        Status = i % 3,
        Title = "p" + i,
        AlbumId = i % 4 == 0 ? null : i % 3,
        Kind = (MxKind)(i % 3),
        Score = i * 1.25m,
        Rating = i * 0.5,
        IsPublic = i % 2 == 0,
        Taken = new DateTime(2024, 1, i, 10, 30, 0),
        Day = new DateOnly(2024, 2, i),
        Uid = new Guid(i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    };

    public static MxTag Tag(int t) => new() { Id = t, PhotoId = ((t - 1) % 5) + 1, Name = TagNames[t % 4] };

    public static void Create(DataConnection db)
    {
        db.CreateTable<MxUser>();
        db.CreateTable<MxPhoto>();
        db.CreateTable<MxTag>();
        db.CreateTable<MxArchive>();
        for (var u = 1; u <= 4; u++)
        {
            db.Insert(User(u));
        }

        for (var i = 1; i <= 12; i++)
        {
            db.Insert(Photo(i));
        }

        for (var t = 1; t <= 8; t++)
        {
            db.Insert(Tag(t));
        }

        db.Insert(new MxArchive { Id = 101, UserId = 1, Status = 1, Title = "a101" });
        db.Insert(new MxArchive { Id = 102, UserId = 2, Status = 2, Title = "p2" });
        db.Insert(new MxArchive { Id = 103, UserId = 3, Status = 0, Title = "p6" });
    }

    /// <summary>
    /// Writes in pairs (a change, then its undo), through every write path: LINQ DML, entity CRUD, raw SQL. After the last one
    /// the database is as seeded again. Each is made through the CacheBot connection, so it invalidates.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, Action<DataConnection> Apply)> Writes =
    [
        ("photo 1: status 7, title p1x, to user 2 (DML)", db => db.GetTable<MxPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 7).Set(p => p.Title, "p1x").Set(p => p.UserId, 2).Update()),
        ("photo 1 back (DML)", db => db.GetTable<MxPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 1).Set(p => p.Title, "p1").Set(p => p.UserId, 1).Update()),
        ("photo 4: title, score, kind, rating, to user 3 (entity update)", db => db.Update(Change(Photo(4), p => { p.Title = "zz"; p.Score = 99m; p.Kind = MxKind.Final; p.Rating = 9; p.UserId = 3; p.AlbumId = 2; }))),
        ("photo 4 back (entity update)", db => db.Update(Photo(4))),
        ("insert photo 20 of user 1", db => db.Insert(Change(Photo(9), p => { p.Id = 20; p.UserId = 1; p.Title = "p20"; p.AlbumId = null; p.IsPublic = true; p.Taken = new DateTime(2024, 1, 20, 8, 0, 0); p.Day = new DateOnly(2024, 2, 20); }))),
        ("delete photo 20 (DML)", db => db.GetTable<MxPhoto>().Where(p => p.Id == 20).Delete()),
        ("delete photo 3 (entity)", db => db.Delete(Photo(3))),
        ("insert photo 3 back", db => db.Insert(Photo(3))),
        ("user 1 renamed (raw SQL)", db => db.Execute("UPDATE \"MxUser\" SET \"Name\" = 'zed', \"Email\" = NULL WHERE \"Id\" = 1")),
        ("user 1 back (raw SQL)", db => db.Execute("UPDATE \"MxUser\" SET \"Name\" = 'ann', \"Email\" = 'ann@x' WHERE \"Id\" = 1")),
        ("insert tag 50 on photo 1", db => db.Insert(new MxTag { Id = 50, PhotoId = 1, Name = "new" })),
        ("delete tag 50", db => db.GetTable<MxTag>().Where(t => t.Id == 50).Delete()),
        ("photo 5 moves to user 1, album null", db => db.GetTable<MxPhoto>().Where(p => p.Id == 5).Set(p => p.UserId, 1).Set(p => p.AlbumId, (int?)null).Update()),
        ("photo 5 back", db => db.GetTable<MxPhoto>().Where(p => p.Id == 5).Set(p => p.UserId, 2).Set(p => p.AlbumId, (int?)2).Update()),
        ("photo 4 album 3 (DML)", db => db.GetTable<MxPhoto>().Where(p => p.Id == 4).Set(p => p.AlbumId, 3).Update()),
        ("photo 4 album back to null", db => db.GetTable<MxPhoto>().Where(p => p.Id == 4).Set(p => p.AlbumId, (int?)null).Update()),
        ("archive 101 retitled p1", db => db.GetTable<MxArchive>().Where(a => a.Id == 101).Set(a => a.Title, "p1").Update()),
        ("archive 101 back", db => db.GetTable<MxArchive>().Where(a => a.Id == 101).Set(a => a.Title, "a101").Update()),
    ];

    private static MxPhoto Change(MxPhoto photo, Action<MxPhoto> change)
    {
        change(photo);
        return photo;
    }
}

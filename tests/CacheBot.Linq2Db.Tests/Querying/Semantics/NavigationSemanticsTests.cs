#pragma warning disable CA1305, CA1866, CA1310
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying.Semantics;

/// <summary>
/// Navigations of every kind linq2db follows (an inner-joined required reference, an optional one, one by a non-key
/// column, a self reference two levels deep, collections in filters, projections, aggregates and loads) against writes
/// that create, break and move their targets: each cached answer equals the database's, on SQLite and PostgreSQL.
/// A required reference (<c>CanBeNull = false</c>) drops the rows whose target is missing, also from a load.
/// </summary>
public sealed class NavigationSemanticsTests
{
    private const string SqliteDdl = """
        CREATE TABLE GUser (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Email TEXT NULL, BossId INTEGER NULL);
        CREATE TABLE GPhoto (Id INTEGER PRIMARY KEY, UserId INTEGER NOT NULL, OwnerEmail TEXT NULL, Title TEXT NOT NULL, ParentId INTEGER NULL);
        INSERT INTO GUser VALUES (1, 'ann', 'a@x', NULL), (2, 'bob', 'b@x', 1);
        INSERT INTO GPhoto VALUES (1, 1, 'a@x', 'p1', NULL), (2, 2, 'b@x', 'p2', 1), (3, 3, 'c@x', 'p3', 2), (4, 1, NULL, 'p4', 9);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "GUser" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL, "Email" TEXT NULL, "BossId" INTEGER NULL);
        CREATE TABLE "GPhoto" ("Id" INTEGER PRIMARY KEY, "UserId" INTEGER NOT NULL, "OwnerEmail" TEXT NULL, "Title" TEXT NOT NULL, "ParentId" INTEGER NULL);
        INSERT INTO "GUser" VALUES (1, 'ann', 'a@x', NULL), (2, 'bob', 'b@x', 1);
        INSERT INTO "GPhoto" VALUES (1, 1, 'a@x', 'p1', NULL), (2, 2, 'b@x', 'p2', 1), (3, 3, 'c@x', 'p3', 2), (4, 1, NULL, 'p4', 9);
        """;

    private static IEnumerable<(string Name, Func<(IQueryable<GPhoto> Photos, IQueryable<GUser> Users), object?> Query)> Queries()
    {
        yield return ("inner join name", r => J(r.Photos.Select(x => x.Id + ":" + x.InnerUser.Name)));
        yield return ("left join name", r => J(r.Photos.Select(x => x.Id + ":" + (x.User == null ? "-" : x.User.Name))));
        yield return ("where inner name", r => J(r.Photos.Where(x => x.InnerUser.Name == "ann").Select(x => x.Id.ToString())));
        yield return ("where left null", r => J(r.Photos.Where(x => x.User == null).Select(x => x.Id.ToString())));
        yield return ("count inner", r => r.Photos.Count(x => x.InnerUser.Id > 0));
        yield return ("by id inner", r => r.Photos.Where(x => x.Id == 3).Select(x => x.InnerUser.Name).FirstOrDefault());
        yield return ("by email", r => J(r.Photos.Select(x => x.Id + ":" + (x.ByEmail == null ? "-" : x.ByEmail.Name))));
        yield return ("parent title", r => J(r.Photos.Select(x => x.Id + ":" + (x.Parent == null ? "-" : x.Parent.Title))));
        yield return ("grandparent", r => J(r.Photos.Where(x => x.Parent!.Parent!.Id == 1).Select(x => x.Id.ToString())));
        yield return ("user photos count", r => J(r.Users.Select(x => x.Id + ":" + x.Photos.Count())));
        yield return ("user photos by email", r => J(r.Users.Select(x => x.Id + ":" + x.PhotosByEmail.Count())));
        yield return ("boss name", r => J(r.Users.Select(x => x.Id + ":" + (x.Boss == null ? "-" : x.Boss.Name))));
        yield return ("users with photo titled", r => J(r.Users.Where(x => x.Photos.Any(y => y.Title == "p3")).Select(x => x.Id.ToString())));
        yield return ("users all photos p", r => J(r.Users.Where(x => x.Photos.All(y => y.Title.StartsWith("p"))).Select(x => x.Id.ToString())));
        yield return ("load with", r => J(r.Users.LoadWith(x => x.Photos).ToList().Select(x => x.Id + ":" + string.Join("/", x.Photos.Select(y => y.Id).Order()))));
        yield return ("load inner", r => J(r.Photos.LoadWith(x => x.InnerUser).ToList().Select(x => x.Id + ":" + x.InnerUser?.Name)));
        yield return ("load optional", r => J(r.Photos.LoadWith(x => x.User).ToList().Select(x => x.Id + ":" + x.User?.Name)));
        yield return ("load by email", r => J(r.Photos.LoadWith(x => x.ByEmail).ToList().Select(x => x.Id + ":" + x.ByEmail?.Name)));
        yield return ("selectmany", r => J(r.Users.SelectMany(x => x.Photos).Select(y => y.Id.ToString())));
        yield return ("max photo id per user", r => J(r.Users.Select(x => x.Id + ":" + x.Photos.Max(y => (int?)y.Id))));
        yield return ("first photo title", r => J(r.Users.Select(x => x.Id + ":" + x.Photos.OrderBy(y => y.Id).Select(y => y.Title).FirstOrDefault())));
        yield return ("count threshold", r => J(r.Users.Where(x => x.Photos.Count() > 1).Select(x => x.Id.ToString())));
        yield return ("not any", r => J(r.Users.Where(x => !x.Photos.Any(y => y.ParentId != null)).Select(x => x.Id.ToString())));
    }

    private static string J(IQueryable<string> q) => string.Join(",", q.ToList().Order(StringComparer.Ordinal));

    private static string J(IEnumerable<string> q) => string.Join(",", q.Order(StringComparer.Ordinal));

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes()
    {
        yield return ("insert user 3", db => db.Insert(new GUser { Id = 3, Name = "cy", Email = "c@x" }));
        yield return ("rename user 1", db => db.GetTable<GUser>().Where(x => x.Id == 1).Set(x => x.Name, "ann2").Update());
        yield return ("insert photo 9", db => db.Insert(new GPhoto { Id = 9, UserId = 2, OwnerEmail = "a@x", Title = "q9", ParentId = 3 }));
        yield return ("user 2 email", db => db.GetTable<GUser>().Where(x => x.Id == 2).Set(x => x.Email, "a@x").Update());
        yield return ("photo 3 title", db => db.GetTable<GPhoto>().Where(x => x.Id == 3).Set(x => x.Title, "z3").Update());
        yield return ("delete user 1", db => db.GetTable<GUser>().Where(x => x.Id == 1).Delete());
        yield return ("photo 2 parent null", db => db.GetTable<GPhoto>().Where(x => x.Id == 2).Set(x => x.ParentId, (int?)null).Update());
        yield return ("user 3 id 1", db => db.GetTable<GUser>().Where(x => x.Id == 3).Set(x => x.Id, 1).Update());
        yield return ("photo 4 user 2", db => db.GetTable<GPhoto>().Where(x => x.Id == 4).Set(x => x.UserId, 2).Update());
        yield return ("delete photo 1", db => db.GetTable<GPhoto>().Where(x => x.Id == 1).Delete());
        yield return ("boss of 2 = 2", db => db.Execute("UPDATE \"GUser\" SET \"BossId\" = 2 WHERE \"Id\" = 2"));
        yield return ("insert photo 10 parent 9", db => db.Insert(new GPhoto { Id = 10, UserId = 1, Title = "p10", ParentId = 9 }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryNavigation_AnswersAsTheDatabase_AfterWritesToItsTargets(string provider)
    {
        PlainComparison.Run(provider, SqliteDdl, PostgresDdl, (c, cached) => (PlainComparison.Table<GPhoto>(c, cached), PlainComparison.Table<GUser>(c, cached)), _ => Queries(), _ => Writes());
    }
}

[Table("GUser")]
public sealed class GUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Column]
    public string? Email { get; set; }

    [Column]
    public int? BossId { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(GPhoto.UserId))]
    public List<GPhoto> Photos { get; set; } = [];

    [Association(ThisKey = nameof(Email), OtherKey = nameof(GPhoto.OwnerEmail))]
    public List<GPhoto> PhotosByEmail { get; set; } = [];

    [Association(ThisKey = nameof(BossId), OtherKey = nameof(Id))]
    public GUser? Boss { get; set; }
}

[Table("GPhoto")]
public sealed class GPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public string? OwnerEmail { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";

    [Column]
    public int? ParentId { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(GUser.Id), CanBeNull = false)]
    public GUser InnerUser { get; set; } = null!;

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(GUser.Id))]
    public GUser? User { get; set; }

    [Association(ThisKey = nameof(OwnerEmail), OtherKey = nameof(GUser.Email))]
    public GUser? ByEmail { get; set; }

    [Association(ThisKey = nameof(ParentId), OtherKey = nameof(Id))]
    public GPhoto? Parent { get; set; }
}

using System.Globalization;
using System.Linq.Expressions;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// An association with an extra predicate (<c>ExpressionPredicate</c>) reads more than its keys: the columns of either end
/// that the predicate names (a soft-delete flag on the target, a column of the owner). An update of such a column changes
/// which rows the navigation reaches, so every query following it must see it, whatever rule keys the query (existence,
/// count thresholds, counts in projections, loads).
/// </summary>
public sealed class AssociationPredicateTests
{
    private const string SqliteDdl = """
        CREATE TABLE PUser (Id INTEGER PRIMARY KEY, Kind INTEGER NOT NULL);
        CREATE TABLE PPhoto (Id INTEGER PRIMARY KEY, UserId INTEGER NOT NULL, Kind INTEGER NOT NULL, State INTEGER NOT NULL, Title TEXT NOT NULL);
        INSERT INTO PUser VALUES (1, 1), (2, 2);
        INSERT INTO PPhoto VALUES (1, 1, 1, 0, 'a'), (2, 1, 1, 0, 'b'), (3, 2, 1, 0, 'c');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "PUser" ("Id" INTEGER PRIMARY KEY, "Kind" INTEGER NOT NULL);
        CREATE TABLE "PPhoto" ("Id" INTEGER PRIMARY KEY, "UserId" INTEGER NOT NULL, "Kind" INTEGER NOT NULL, "State" INTEGER NOT NULL, "Title" TEXT NOT NULL);
        INSERT INTO "PUser" VALUES (1, 1), (2, 2);
        INSERT INTO "PPhoto" VALUES (1, 1, 1, 0, 'a'), (2, 1, 1, 0, 'b'), (3, 2, 1, 0, 'c');
        """;

    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public void UpdateOfATargetColumnThePredicateReads_ReachesEveryQueryFollowingIt(string provider, bool entityUpdate)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var users = db.GetTable<PUser>();
        List<string> Read() =>
        [
            Ids(users.AsCacheBot().Cache().Where(u => u.LivePhotos.Any()).Select(u => u.Id)),
            Ids(users.AsCacheBot().Cache().Where(u => !u.LivePhotos.Any()).Select(u => u.Id)),
            Ids(users.AsCacheBot().Cache().Where(u => u.LivePhotos.Count() > 1).Select(u => u.Id)),
            Ids(users.AsCacheBot().Cache().Where(u => u.LivePhotos.Any(p => p.Kind == 1)).Select(u => u.Id)),
            users.AsCacheBot().Cache().Where(u => u.Id == 1).Select(u => u.LivePhotos.Count()).Single().ToString(CultureInfo.InvariantCulture),
            users.AsCacheBot().Cache().LoadWith(u => u.LivePhotos).Single(u => u.Id == 2).LivePhotos.Count.ToString(CultureInfo.InvariantCulture),
        ];

        Assert.Equal(["1,2", "", "1", "1,2", "2", "1"], Probe.Warm(test.Cache, Read));

        // A column neither the keys nor the condition read leaves the counts alone.
        db.GetTable<PPhoto>().Where(p => p.Id == 1).Set(p => p.Title, "renamed").Update();
        var (count, hit) = Probe.Run(test.Cache, () => users.AsCacheBot().Cache().Where(u => u.Id == 1).Select(u => u.LivePhotos.Count()).Single());
        Assert.Equal(2, count);
        Assert.True(hit, "a title change does not change which photos are live");

        // Photo 1 is flagged: user 1 keeps one live photo (below the threshold of two).
        SetState(db, 1, 1, entityUpdate);
        Assert.Equal(["1,2", "", "", "1,2", "1", "1"], Read());

        // Photo 3, user 2's only one, is flagged: user 2 has none left.
        SetState(db, 3, 1, entityUpdate);
        Assert.Equal(["1", "2", "", "1", "1", "0"], Read());

        // Photo 1 comes back.
        SetState(db, 1, 0, entityUpdate);
        Assert.Equal(["1", "2", "1", "1", "2", "0"], Read());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void UpdateOfAnOwnerColumnThePredicateReads_ReachesEveryQueryFollowingIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        var users = db.GetTable<PUser>();
        List<string> Read() =>
        [
            Ids(users.AsCacheBot().Cache().Where(u => u.SameKindPhotos.Any()).Select(u => u.Id)),
            Ids(users.AsCacheBot().Cache().Where(u => u.SameKindPhotos.Count() > 0).Select(u => u.Id)),
            users.AsCacheBot().Cache().Where(u => u.Id == 2).Select(u => u.SameKindPhotos.Count()).Single().ToString(CultureInfo.InvariantCulture),
        ];

        Assert.Equal(["1", "1", "0"], Probe.Warm(test.Cache, Read));

        // User 2 takes the kind of her photo.
        users.Where(u => u.Id == 2).Set(u => u.Kind, 1).Update();
        Assert.Equal(["1,2", "1,2", "1"], Read());

        // A photo of user 1 changes kind: she keeps one of her kind.
        db.GetTable<PPhoto>().Where(p => p.Id == 1).Set(p => p.Kind, 2).Update();
        Assert.Equal(["1,2", "1,2", "1"], Read());
        db.GetTable<PPhoto>().Where(p => p.Id == 2).Set(p => p.Kind, 2).Update();
        Assert.Equal(["2", "2", "1"], Read());
    }

    private static string Ids(IQueryable<int> ids) => string.Join(",", ids.ToList().Order());

    private static void SetState(LinqToDB.Data.DataConnection db, int photo, int state, bool entityUpdate)
    {
        if (entityUpdate)
        {
            var row = db.GetTable<PPhoto>().Single(p => p.Id == photo);
            row.State = state;
            db.Update(row);
        }
        else
        {
            db.GetTable<PPhoto>().Where(p => p.Id == photo).Set(p => p.State, state).Update();
        }
    }
}

[Table("PUser")]
public sealed class PUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Kind { get; set; }

    /// <summary>The photos not flagged deleted.</summary>
    [Association(ThisKey = nameof(Id), OtherKey = nameof(PPhoto.UserId), ExpressionPredicate = nameof(NotDeleted))]
    public List<PPhoto> LivePhotos { get; set; } = [];

    /// <summary>The photos of the user's own kind: the predicate reads the owner too.</summary>
    [Association(ThisKey = nameof(Id), OtherKey = nameof(PPhoto.UserId), ExpressionPredicate = nameof(OfOwnKind))]
    public List<PPhoto> SameKindPhotos { get; set; } = [];

    private static Expression<Func<PUser, PPhoto, bool>> NotDeleted() => (u, p) => p.State == 0;

    private static Expression<Func<PUser, PPhoto, bool>> OfOwnKind() => (u, p) => p.Kind == u.Kind;
}

[Table("PPhoto")]
public sealed class PPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Kind { get; set; }

    [Column]
    public int State { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";
}

using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary>The shape printer: readable C#, table names for roots, and no value ever printed.</summary>
public sealed class ShapeTextTests
{
    [Fact]
    public void Print_ValuesOfEveryKind_BecomeParameters()
    {
        using var db = new TestDb();
        var title = "secret-title";
        int[] ids = [41, 42];

        var text = Print(db, db.Photos.Cache().Where(p => p.Title == title && ids.Contains(p.Id) && p.Likes > Math.Max(title.Length, 3)
            && p.AlbumId == null && p.Kind == PhotoKind.Square));

        Assert.Equal(
            "Photos.Cache().Where(p => p.Title == @0 && @1.Contains(p.Id) && p.Likes > @2 && p.AlbumId == @3 && p.Kind == @4).ToList()",
            text);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("41", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_ProjectionJoinAndOrdering_ReadLikeTheQuery()
    {
        using var db = new TestDb();
        var uid = 3;

        var join = Print(db, from p in db.Photos.Cache()
                             join u in db.Users on p.UserId equals u.Id
                             where u.Id == uid
                             orderby p.Likes descending
                             select new { p.Id, Owner = u.Name });
        var navigation = Print(db, db.Photos.Cache("User").Where(p => p.User.Name == "x" || !p.IsPublic).Select(p => p.Title).Take(5));

        Assert.Equal(
            "Photos.Cache().Join(Users, p => p.UserId, u => u.Id, (p, u) => new { p, u }).Where(t0 => t0.u.Id == @0)"
            + ".OrderByDescending(t0 => t0.p.Likes).Select(t0 => new { t0.p.Id, Owner = t0.u.Name }).ToList()",
            join);
        Assert.Equal("Photos.Cache(\"User\").Where(p => p.User.Name == @0 || !p.IsPublic).Select(p => p.Title).Take(@1).ToList()", navigation);
    }

    [Fact]
    public void Print_ClockAndScalarTerminal_KeepTheirNames()
    {
        using var db = new TestDb();

        var text = ShapeText.Print(
            db.Photos.Cache().Where(p => p.Likes < DateTime.Now.Second).Select(p => p.Likes).Expression, db.Cache.GetClrModel("default"), null, sequence: false);

        Assert.Equal("Photos.Cache().Where(p => p.Likes < DateTime.Now.Second).Select(p => p.Likes)", text);
    }

    [Fact]
    public void Print_VeryLongShape_IsBounded()
    {
        using var db = new TestDb();
        var query = db.Photos.Cache();
        for (var i = 0; i < 100; i++)
        {
            query = query.Where(p => p.Likes != i);
        }

        var text = Print(db, query);

        Assert.Equal(ShapeText.MaxLength, text.Length);
        Assert.EndsWith("...", text, StringComparison.Ordinal);
    }

    private static string Print<T>(TestDb db, IQueryable<T> query) =>
        ShapeText.Print(query.Expression, db.Cache.GetClrModel("default"), null, sequence: true);
}

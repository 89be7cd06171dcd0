using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// Column-aware invalidation: an update leaves a cached query alone when it changes none of the columns the query reads.
/// A matrix of query shapes (projections, aggregates, groupings, navigations, rows used whole, transparent identifiers)
/// by updates (of a read column, an unread column, a key, another table, no change at all): every cell checks the cached
/// answer against the data, and the outcome against the rule. Seed: photo 4 belongs to user 1, photo 1 to user 2.
/// </summary>
public sealed class ColumnRuleTests
{
    private static readonly (string Name, Action<TestDb> Write)[] Updates =
    [
        ("likes of photo 4", db => db.Update<Photo>(p => p.Id == 4, p => p.Likes++)),
        ("title of photo 4", db => db.Update<Photo>(p => p.Id == 4, p => p.Title += "!")),
        ("status of photo 4", db => db.Update<Photo>(p => p.Id == 4, p => p.Status++)),
        ("photo 1 moves to user 1", db => db.Update<Photo>(p => p.Id == 1, p => p.UserId = 1)),
        ("photo 4 written unchanged", db => db.Update<Photo>(p => p.Id == 4, _ => { })),
        ("user 1 renamed", db => db.Update<User>(u => u.Id == 1, u => u.Name = "zed")),
        ("user 1 ages", db => db.Update<User>(u => u.Id == 1, u => u.Age++)),
    ];

    /// <summary>Each shape with the expected outcome after each of <see cref="Updates"/>, in order (H: hit, M: miss).</summary>
    public static TheoryData<string, string> Shapes => new()
    {
        { "titles of user 1", "HMHMHHH" },
        { "count of user 1 by status range", "HHMMHHH" },
        { "sum of likes of user 1", "MHHMHHH" },
        { "whole photos of user 1", "MMMMHHH" },
        { "photo counts per user", "HHHMHHH" },
        { "names of the users of user 1's photos", "HHHMHMH" },
        { "distinct photos of user 1", "MMMMHHH" },
        { "photo 4 inside an anonymous object", "MMMHHHH" },
        { "titles of user 1 through let", "HMHMHHH" },
        { "first three ids by title", "HMHHHHH" },
        { "any photo of user 1", "HHHHHHH" }, // true, and photo 1 moving in is an arrival: a true existence test keeps its entry
        { "any public photo of user 1", "HHHHHHH" }, // photo 1 is not public: (UserId, IsPublic) = (1, true) is hit by neither image
    };

    private static Func<IQueryable<Photo>, object?> Query(string shape) => shape switch
    {
        "titles of user 1" => q => q.Where(p => p.UserId == 1).OrderBy(p => p.Id).Select(p => p.Title).ToList(),
        "count of user 1 by status range" => q => q.Where(p => p.UserId == 1).Count(p => p.Status >= 0),
        "sum of likes of user 1" => q => q.Where(p => p.UserId == 1).Sum(p => p.Likes),
        "whole photos of user 1" => q => q.Where(p => p.UserId == 1).OrderBy(p => p.Id).ToList(),
        "photo counts per user" => q => q.GroupBy(p => p.UserId).Select(g => new { g.Key, N = g.Count() }).OrderBy(x => x.Key).ToList(),
        "names of the users of user 1's photos" => q => q.Where(p => p.UserId == 1).OrderBy(p => p.Id).Select(p => p.User.Name).ToList(),
        "distinct photos of user 1" => q => q.Where(p => p.UserId == 1).Distinct().Count(),
        "photo 4 inside an anonymous object" => q => q.Where(p => p.Id == 4).Select(p => new { p.Id, Row = p }).ToList().Select(x => x.Row.Title + x.Row.Likes + x.Row.Status).ToList(),
        "titles of user 1 through let" => q => (from p in q let t = p.Title where p.UserId == 1 orderby p.Id select t).ToList(),
        "first three ids by title" => q => q.OrderBy(p => p.Title).ThenBy(p => p.Id).Select(p => p.Id).Take(3).ToList(),
        "any photo of user 1" => q => q.Any(p => p.UserId == 1),
        "any public photo of user 1" => q => q.Any(p => p.UserId == 1 && p.IsPublic),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachUpdate_InvalidatesExactlyWhenItChangesAColumnTheQueryReads(string shape, string expected)
    {
        Assert.Equal(Updates.Length, expected.Length);
        var query = Query(shape);
        for (var i = 0; i < Updates.Length; i++)
        {
            using var db = new TestDb();
            db.Prime(query);
            Updates[i].Write(db);
            var outcome = expected[i] == 'H' ? Outcome.Hit : Outcome.Miss;
            var actual = db.Measure(() => _ = query(db.Photos.Cache()));
            db.Expect(Outcome.Hit, query); // the answer now cached (kept or refilled) equals the data's
            Assert.True(outcome == actual, $"{shape} after '{Updates[i].Name}': expected {outcome}, got {actual}");
        }
    }

    [Fact]
    public void RowChangedInPlace_CountsEveryColumnAsChanged()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> titles = q => q.Where(p => p.UserId == 1).OrderBy(p => p.Id).Select(p => p.Title).ToList();
        db.Prime(titles);
        var row = db.PhotoRows.Single(p => p.Id == 4);
        row.Title = "changed in place";
        db.Cache.NotifyUpdated(row, row);
        db.Expect(Outcome.Miss, titles);
        db.Expect(Outcome.Hit, titles);
        db.Cache.Invalidate(db.PhotoRows.Single(p => p.Id == 4));
        db.Expect(Outcome.Miss, titles);
    }

    [Fact]
    public void InsertAndDelete_InvalidateWhateverColumnsTheQueryReads()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> count = q => q.Count(p => p.UserId == 1);
        db.Prime(count);
        db.Insert(new Photo { Id = 500, UserId = 1, Title = "new" });
        db.Expect(Outcome.Miss, count);
        db.Expect(Outcome.Hit, count);
        db.Delete<Photo>(p => p.Id == 500);
        db.Expect(Outcome.Miss, count);
    }

    [Theory]
    [InlineData(1.0, -1.0)]
    [InlineData(0.0, -0.0)]
    public void SameValue_Doubles_CompareByRepresentation(double a, double b) => Assert.False(RowDiff.SameValue(a, b));

    [Fact]
    public void SameValue_IsStrict()
    {
        Assert.True(RowDiff.SameValue(1.50m, 1.50m));
        Assert.False(RowDiff.SameValue(1.5m, 1.50m)); // numeric keeps its scale
        Assert.False(RowDiff.SameValue("a", "A"));
        Assert.False(RowDiff.SameValue(1, 1L));
        Assert.False(RowDiff.SameValue(null, 0));
        Assert.True(RowDiff.SameValue(null, null));
        var now = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(2));
        Assert.False(RowDiff.SameValue(now, now.ToUniversalTime()));
        Assert.True(RowDiff.SameValue(new byte[] { 1, 2 }, new byte[] { 1, 2 }));
        Assert.False(RowDiff.SameValue(new byte[] { 1, 2 }, new byte[] { 1, 3 }));
        Assert.False(RowDiff.SameValue(new int[] { 1 }, new int[] { 1 })); // unknown reference types: by reference only
        Assert.True(RowDiff.SameValue(new DateTime(5, DateTimeKind.Utc), new DateTime(5, DateTimeKind.Utc)));
        Assert.False(RowDiff.SameValue(new DateTime(5, DateTimeKind.Utc), new DateTime(5, DateTimeKind.Local)));
    }
}

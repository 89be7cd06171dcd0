using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// Lists whose filter bounds an integer column (<c>p.Id &gt; a &amp;&amp; p.Id &lt;= b</c>), and windows ordered by an integer key:
/// a row can arrive only within the bounds, or before a full window's last key. Rows just outside each bound arriving are hits;
/// rows just inside are misses with the new answer. Seed: photo i (1..12), status i % 2.
/// </summary>
public sealed class RangeArrivalTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task BoundedIds_ArrivalsJustOutsideEachBound_AreHits_InsideAreMisses(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var from = 2;
        string[] ThreeToSix() =>
            [.. db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id > from && p.Id <= from + 4).OrderBy(p => p.Id).Select(p => new { p.Id, p.Status })
                .AsEnumerable().Select(p => p.Id + ":" + p.Status)];

        Assert.Equal(new[] { "3:1", "4:0", "5:1", "6:0" }, ThreeToSix());

        // Photos 2 and 7 (just outside) leave and come back, photo 12's key moves far away, photo 9 changes.
        db.GetTable<Photo>().Where(p => p.Id == 2 || p.Id == 7).Delete();
        Assert.Equal(new[] { "3:1", "4:0", "5:1", "6:0" }, Hit(test, ThreeToSix));
        db.Insert(new Photo { Id = 2, UserId = 2, Status = 1, Title = "two" });
        Assert.Equal(new[] { "3:1", "4:0", "5:1", "6:0" }, Hit(test, ThreeToSix));
        db.Insert(new Photo { Id = 7, UserId = 1, Status = 1, Title = "seven" });
        Assert.Equal(new[] { "3:1", "4:0", "5:1", "6:0" }, Hit(test, ThreeToSix));
        db.GetTable<Photo>().Where(p => p.Id == 12).Set(p => p.Title, "twelve").Update();
        db.GetTable<Photo>().Where(p => p.Id == 9).Set(p => p.Status, 5).Update();
        Assert.Equal(new[] { "3:1", "4:0", "5:1", "6:0" }, Hit(test, ThreeToSix));

        // A row inside leaving and arriving again, and one whose key moves inside.
        db.Delete(new Photo { Id = 3 });
        Assert.Equal(new[] { "4:0", "5:1", "6:0" }, Miss(test, ThreeToSix));
        db.Insert(new Photo { Id = 3, UserId = 3, Status = 0, Title = "three" });
        Assert.Equal(new[] { "3:0", "4:0", "5:1", "6:0" }, Miss(test, ThreeToSix));
        db.Delete(new Photo { Id = 6 });
        Assert.Equal(new[] { "3:0", "4:0", "5:1" }, Miss(test, ThreeToSix));
        db.Execute("UPDATE \"Photo\" SET \"Id\" = 6 WHERE \"Id\" = 11");
        Assert.Equal(new[] { "3:0", "4:0", "5:1", "6:1" }, Miss(test, ThreeToSix));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OneSidedBound_WrittenEitherWay_BelowIsAHit_AboveIsAMiss(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        long from = 10;
        int[] FromTen() => [.. db.GetTable<Photo>().AsCacheBot().Cache().Where(p => from <= p.Id).OrderBy(p => p.Id).Select(p => p.Id)];

        Assert.Equal(new[] { 10, 11, 12 }, FromTen());
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 9");
        db.Insert(new Photo { Id = 9, UserId = 1, Status = 0, Title = "nine" });
        db.Insert(new Photo { Id = -3, UserId = 1, Status = 0, Title = "minus" });
        Assert.Equal(new[] { 10, 11, 12 }, Hit(test, FromTen));
        db.Insert(new Photo { Id = 40, UserId = 1, Status = 0, Title = "forty" });
        Assert.Equal(new[] { 10, 11, 12, 40 }, Miss(test, FromTen));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FullWindows_ByIdAscendingAndDescending_OnlyRowsBeforeTheLastKeyArrive(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        int[] FirstThree() => [.. db.GetTable<Photo>().AsCacheBot().Cache().OrderBy(p => p.Id).Take(3).Select(p => p.Id)];
        int[] LastThree() => [.. db.GetTable<Photo>().AsCacheBot().Cache().OrderByDescending(p => p.Id).Take(3).Select(p => p.Id)];
        var cursor = 4;
        int[] Page() => [.. db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id > cursor).OrderBy(p => p.Id).Take(3).Select(p => p.Id)];

        Assert.Equal(new[] { 1, 2, 3 }, FirstThree());
        Assert.Equal(new[] { 12, 11, 10 }, LastThree());
        Assert.Equal(new[] { 5, 6, 7 }, Page());

        // A new row beyond the first three and the page; a row below the page's cursor.
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 0, Title = "p20" });
        Assert.Equal(new[] { 1, 2, 3 }, Hit(test, FirstThree));
        Assert.Equal(new[] { 5, 6, 7 }, Hit(test, Page));
        Assert.Equal(new[] { 20, 12, 11 }, Miss(test, LastThree));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 4");
        db.Insert(new Photo { Id = 4, UserId = 1, Status = 1, Title = "four" });
        Assert.Equal(new[] { 5, 6, 7 }, Hit(test, Page));

        // A row before each window's last key.
        db.Insert(new Photo { Id = 0, UserId = 1, Status = 0, Title = "p0" });
        Assert.Equal(new[] { 0, 1, 2 }, Miss(test, FirstThree));
        Assert.Equal(new[] { 20, 12, 11 }, Hit(test, LastThree));
        db.Execute("UPDATE \"Photo\" SET \"Id\" = 13 WHERE \"Id\" = 0");
        Assert.Equal(new[] { 20, 13, 12 }, Miss(test, LastThree));
        Assert.Equal(new[] { 1, 2, 3 }, Miss(test, FirstThree));
        Assert.Equal(new[] { 5, 6, 7 }, Page()); // re-read: a key changed by SQL text may invalidate more than it must
        db.Delete(new Photo { Id = 20 });
        Assert.Equal(new[] { 13, 12, 11 }, Miss(test, LastThree));
        Assert.Equal(new[] { 5, 6, 7 }, Hit(test, Page));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 6");
        Assert.Equal(new[] { 5, 7, 8 }, Miss(test, Page));
    }

    private static T Hit<T>(TestDb test, Func<T> read) => Expect(test, read, hit: true);

    private static T Miss<T>(TestDb test, Func<T> read) => Expect(test, read, hit: false);

    private static T Expect<T>(TestDb test, Func<T> read, bool hit)
    {
        var hits = test.Cache.Statistics.Hits;
        var result = read();
        Assert.Equal(hit, test.Cache.Statistics.Hits > hits);
        return result;
    }
}

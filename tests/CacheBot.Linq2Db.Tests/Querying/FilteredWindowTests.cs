using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using static CacheBot.Linq2Db.Tests.Querying.HitOrMiss;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// Windows filtered after their <c>Take</c> (<c>OrderBy(p =&gt; p.Id).Take(n).Where(...)</c>): the window's keys come from a
/// key query run before the list, a full window ordered by an integer key is bounded by its last key, and a row of the window
/// changes the answer in place only when one of its images passes the later filter. Each case checks writes that cannot
/// change the answer (hits) and writes that do (misses with the new answer). Seed: photo i (1..12) belongs to user
/// ((i - 1) % 3) + 1, status i % 2.
/// </summary>
public sealed class FilteredWindowTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task FirstFive_ThenStatusOne_RowsOutsideAndChangesThatKeepTheFilter_AreHits(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        var size = 5;
        async Task<int[]> FirstFiveOdd()
        {
            var query = db.GetTable<Photo>().AsCacheBot().Cache().OrderBy(p => p.Id).Take(size).Where(p => p.Status == 1).Select(p => p.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        Assert.Equal(new[] { 1, 3, 5 }, await FirstFiveOdd());
        await Hit(test, FirstFiveOdd);

        // Beyond the full window: a new row, a row turning status 1, a row leaving. Inside it: a column nobody reads, and a
        // status change that neither leaves nor reaches 1.
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 1, Title = "p20" });
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));
        db.GetTable<Photo>().Where(p => p.Id == 8).Set(p => p.Status, 1).Update();
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 9");
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.Title, "two").Update();
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.Status, 3).Update();
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));

        // A row of the window that fails the later filter leaving it: the next row, which passes, enters.
        db.GetTable<Photo>().Where(p => p.Id == 6).Set(p => p.Status, 1).Update();
        Assert.Equal(new[] { 1, 3, 5 }, await Hit(test, FirstFiveOdd));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 4");
        Assert.Equal(new[] { 1, 3, 5, 6 }, await Miss(test, FirstFiveOdd));

        // A row of the window reaching status 1; one leaving the window (the next row enters); a row sorting before it.
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.Status, 1).Update();
        Assert.Equal(new[] { 1, 2, 3, 5, 6 }, await Miss(test, FirstFiveOdd));
        db.Delete(new Photo { Id = 1 });
        Assert.Equal(new[] { 2, 3, 5, 6, 7 }, await Miss(test, FirstFiveOdd));
        db.Insert(new Photo { Id = 0, UserId = 1, Status = 1, Title = "p0" });
        Assert.Equal(new[] { 0, 2, 3, 5, 6 }, await Miss(test, FirstFiveOdd));

        // A row beyond the window whose key moves before it arrives.
        db.Execute("UPDATE \"Photo\" SET \"Id\" = -1 WHERE \"Id\" = 11");
        Assert.Equal(new[] { -1, 0, 2, 3, 5 }, await Miss(test, FirstFiveOdd));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LastThree_ThenStatusZero_ANewerRowArrives_AnOlderOneDoesNot(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> LastThreeEven() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().OrderByDescending(p => p.Id).Take(3).Where(p => p.Status == 0).Select(p => p.Id).ToArray());

        Assert.Equal(new[] { 12, 10 }, await LastThreeEven());
        db.Delete(new Photo { Id = 4 });
        db.Insert(new Photo { Id = -5, UserId = 2, Status = 0, Title = "old" });
        Assert.Equal(new[] { 12, 10 }, await Hit(test, LastThreeEven));
        db.Insert(new Photo { Id = 13, UserId = 2, Status = 1, Title = "p13" });
        Assert.Equal(new[] { 12 }, await Miss(test, LastThreeEven));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task WindowNotFull_AnyArrivalIsAMiss(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> All() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().OrderBy(p => p.Id).Take(50).Where(p => p.Status == 1).Select(p => p.Id).ToArray());

        Assert.Equal(new[] { 1, 3, 5, 7, 9, 11 }, await All());
        db.Insert(new Photo { Id = 40, UserId = 1, Status = 1, Title = "p40" });
        Assert.Equal(new[] { 1, 3, 5, 7, 9, 11, 40 }, await Miss(test, All));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FilterBeforeAndAfterTheWindow_ARowLeavingTheWindowsFilter_IsAMiss(string provider)
    {
        // Alice's photos are 1, 4, 7, 10: her first two are 1 and 4, and of those status 1 is photo 1.
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> AlicesFirstTwoOdd() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).OrderBy(p => p.Id).Take(2).Where(p => p.Status == 1).Select(p => p.Id).ToArray());

        Assert.Equal(new[] { 1 }, await AlicesFirstTwoOdd());
        db.Insert(new Photo { Id = 30, UserId = 1, Status = 1, Title = "p30" });
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.Status, 1).Update();
        Assert.Equal(new[] { 1 }, await Hit(test, AlicesFirstTwoOdd));

        // Photo 4 (status 0) leaves alice's photos: photo 7 (status 1) enters her first two.
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.UserId, 2).Update();
        Assert.Equal(new[] { 1, 7 }, await Miss(test, AlicesFirstTwoOdd));
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using static CacheBot.Linq2Db.Tests.Querying.HitOrMiss;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// Dependencies a list's own rows narrow, through real SQL: loaded children (<c>LoadWith</c>) depend on the rows whose
/// foreign key holds a key of a loaded parent, and a list whose filter the keys cannot narrow (a navigation) depends on
/// removals of its own rows only. Every write is checked both ways: one that changes the answer (a miss with the new
/// answer) and one that cannot (a hit). Seed: photo i (1..12) belongs to user ((i - 1) % 3) + 1; tags 1, 2 on photo 1, tag 3
/// on photo 2.
/// </summary>
public sealed class AnswerDependencyTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task LoadedChildren_DependOnTheirParentsKeysOnly(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        async Task<string[]> TagsOfUser1()
        {
            var query = db.GetTable<Photo>().AsCacheBot().Cache().LoadWith(p => p.Tags).Where(p => p.UserId == 1).OrderBy(p => p.Id);
            var photos = async ? await query.ToListAsync(ct) : query.ToList();
            return [.. photos.SelectMany(p => p.Tags.OrderBy(t => t.Id).Select(t => p.Id + ":" + t.Name))];
        }

        Assert.Equal(["1:sun", "1:sea"], await TagsOfUser1());
        Assert.Equal(["1:sun", "1:sea"], await Hit(test, TagsOfUser1));

        // Tags of photos that are not loaded (photo 2 belongs to user 2): nothing the list shows.
        db.Insert(new Tag { Id = 10, PhotoId = 2, Name = "new" });
        db.GetTable<Tag>().Where(t => t.Id == 3).Set(t => t.Name, "town").Update();
        db.Execute("DELETE FROM \"Tag\" WHERE \"Id\" = 10");
        Assert.Equal(["1:sun", "1:sea"], await Hit(test, TagsOfUser1));

        // A tag arriving on a loaded photo, one moving onto it from elsewhere, one changing, one leaving.
        db.Insert(new Tag { Id = 11, PhotoId = 4, Name = "dog" });
        Assert.Equal(["1:sun", "1:sea", "4:dog"], await Miss(test, TagsOfUser1));
        db.Execute("UPDATE \"Tag\" SET \"PhotoId\" = 7 WHERE \"Id\" = 3");
        Assert.Equal(["1:sun", "1:sea", "4:dog", "7:town"], await Miss(test, TagsOfUser1));
        db.GetTable<Tag>().Where(t => t.Id == 2).Set(t => t.Name, "surf").Update();
        Assert.Equal(["1:sun", "1:surf", "4:dog", "7:town"], await Miss(test, TagsOfUser1));
        db.Delete(new Tag { Id = 1 });
        Assert.Equal(["1:surf", "4:dog", "7:town"], await Miss(test, TagsOfUser1));

        // A parent joining the list brings its tags: the parents' own dependency (UserId = 1) is what notices it.
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.UserId, 1).Update();
        db.Insert(new Tag { Id = 12, PhotoId = 2, Name = "late" });
        Assert.Equal(["1:surf", "2:late", "4:dog", "7:town"], await Miss(test, TagsOfUser1));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NavigationFilteredList_RowOutsideTheAnswerLeaving_IsAHit(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> OfAlice() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "alice").OrderBy(p => p.Id).Select(p => p.Id).ToArray());

        Assert.Equal(new[] { 1, 4, 7, 10 }, await OfAlice());
        await Hit(test, OfAlice);

        // Bob's photo leaving cannot change alice's list; alice's leaving does; a photo arriving may (any row can arrive).
        db.Delete(new Photo { Id = 2 });
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 3");
        Assert.Equal(new[] { 1, 4, 7, 10 }, await Hit(test, OfAlice));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 4");
        Assert.Equal(new[] { 1, 7, 10 }, await Miss(test, OfAlice));
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 0, Title = "p20" });
        Assert.Equal(new[] { 1, 7, 10, 20 }, await Miss(test, OfAlice));
        db.GetTable<Photo>().Where(p => p.Id == 7).Set(p => p.UserId, 2).Update();
        Assert.Equal(new[] { 1, 10, 20 }, await Miss(test, OfAlice));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LatestTwo_OlderRowsChangingOrLeaving_AreHits_ANewRowIsAMiss(string provider)
    {
        // Alice's photos are 1, 4, 7, 10: the latest two by id are 10 and 7.
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        async Task<string[]> Latest() =>
            [.. (await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).OrderByDescending(p => p.Id).Take(2).ToListAsync(ct)).Select(p => p.Id + ":" + p.Title)];

        Assert.Equal(["10:p10", "7:p7"], await Latest());
        await Hit(test, Latest);
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Title, "older").Update();
        db.Delete(new Photo { Id = 1 });
        db.Execute("UPDATE \"Photo\" SET \"Status\" = 5 WHERE \"UserId\" = 1 AND \"Id\" < 5");
        Assert.Equal(["10:p10", "7:p7"], await Hit(test, Latest));

        db.GetTable<Photo>().Where(p => p.Id == 7).Set(p => p.Title, "seven").Update();
        Assert.Equal(["10:p10", "7:seven"], await Miss(test, Latest));
        db.Insert(new Photo { Id = 13, UserId = 1, Status = 0, Title = "p13" });
        Assert.Equal(["13:p13", "10:p10"], await Miss(test, Latest));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 13");
        Assert.Equal(["10:p10", "7:seven"], await Miss(test, Latest));
    }
}

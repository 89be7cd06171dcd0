using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Querying;

/// <summary>
/// The core's answer-narrowed dependencies through EF Core's own query roots (<c>EntityQueryRootExpression</c>, named by the
/// dialect): a true <c>Any</c> depends on one witness row; a navigation filter's arrivals depend on the join keys its key
/// query reads through a sibling root (<c>EfDialect.TryCreateSiblingRoot</c>). Each read is checked against the database.
/// </summary>
public sealed class AnswerDependencyTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task AnyWithSeveralMatches_StaysCachedAsOtherMatchesLeave_AndTurnsFalseWithTheLast(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Task<bool> AnyOfUser2() => db.Photos.AsCacheBot().Cache().AnyAsync(p => p.UserId == 2, ct);

        Assert.True(await AnyOfUser2());
        var ids = await db.Photos.AsNoTracking().Where(p => p.UserId == 2).OrderByDescending(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        Assert.True(ids.Count >= 3);
        var hits = shop.Cache.Statistics.Hits;

        // Newest first: the witness (the first match the database finds) leaves last.
        foreach (var id in ids)
        {
            await db.Photos.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, 3), ct);
            Assert.Equal(id != ids[^1], await AnyOfUser2());
        }

        Assert.True(shop.Cache.Statistics.Hits - hits >= ids.Count - 2, $"{shop.Cache.Statistics.Hits - hits} hits over {ids.Count} reads");
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task NavigationFilters_PhotosArrivingElsewhere_AreHits_ThoseThatMatch_AreMisses(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        var name = "user2";
        Task<List<int>> OfUser2() => db.Photos.AsCacheBot().Cache().Where(p => p.User!.Name == name).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        Task<List<int>> CommentedC1() => db.Photos.AsCacheBot().Cache().Where(p => p.Comments.Any(c => c.Text == "c1")).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        async Task<List<int>> Expect(Func<Task<List<int>>> read, bool hit)
        {
            var hits = shop.Cache.Statistics.Hits;
            var answer = await read();
            Assert.Equal(hit, shop.Cache.Statistics.Hits > hits);
            return answer;
        }

        var ofUser2 = await OfUser2();
        var commented = await CommentedC1();
        Assert.Equal(5, ofUser2.Count);
        Assert.Equal(4, commented.Count);
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Name, u => u.Id, ct);

        // A photo of user3 with a comment "c2": neither list can change.
        var other = new Photo { UserId = users["user3"], Title = "new3", Key = Guid.NewGuid(), Comments = [new Comment { Text = "c2" }] };
        db.Photos.Add(other);
        await db.SaveChangesAsync(ct);
        Assert.Equal(ofUser2, await Expect(OfUser2, hit: true));
        Assert.Equal(commented, await Expect(CommentedC1, hit: true));

        // A photo of user2; a comment "c1" on the new photo.
        var mine = new Photo { UserId = users["user2"], Title = "new2", Key = Guid.NewGuid() };
        db.Photos.Add(mine);
        await db.SaveChangesAsync(ct);
        Assert.Equal([.. ofUser2, mine.Id], await Expect(OfUser2, hit: false));
        db.Comments.Add(new Comment { PhotoId = other.Id, Text = "c1" });
        await db.SaveChangesAsync(ct);
        Assert.Equal([.. commented, other.Id], await Expect(CommentedC1, hit: false));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task CountThreshold_WritesThatCrossNoThreshold_AreHits_AWitnessLeaving_IsAMiss(string kind)
    {
        // Seed: 4 users with 5 photos each, statuses 0, 1, 2, 0, 1: two photos of status 0 per user.
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Task<List<int>> Busy() => db.Users.AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == 0) > 1).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(ct);
        async Task<List<int>> Expect(bool hit)
        {
            var hits = shop.Cache.Statistics.Hits;
            var answer = await Busy();
            Assert.Equal(hit, shop.Cache.Statistics.Hits > hits);
            Assert.Equal(await db.Users.AsNoTracking().Where(u => u.Photos.Count(p => p.Status == 0) > 1).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(ct), answer);
            return answer;
        }

        var all = await Busy();
        Assert.Equal(4, all.Count);
        var ofSecond = await db.Photos.AsNoTracking().Where(p => p.UserId == all[1]).OrderBy(p => p.Id).Select(p => new { p.Id, p.Status }).ToListAsync(ct);

        // A third status-0 photo for the first user; a status-2 photo of the second changing its title.
        db.Photos.Add(new Photo { UserId = all[0], Title = "third", Status = 0, Key = Guid.NewGuid() });
        await db.SaveChangesAsync(ct);
        var statusTwo = ofSecond.First(p => p.Status == 2).Id;
        await db.Photos.Where(p => p.Id == statusTwo).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "renamed"), ct);
        Assert.Equal(all, await Expect(hit: true));

        // The second user's smallest status-0 photo (a witness) leaving status 0 takes the user out.
        var witness = ofSecond.First(p => p.Status == 0).Id;
        await db.Photos.Where(p => p.Id == witness).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, 1), ct);
        Assert.Equal([all[0], all[2], all[3]], await Expect(hit: false));
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Tests.Randomized;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using static CacheBot.Linq2Db.Tests.Querying.HitOrMiss;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// Lists filtered through a navigation (<c>p.User.Name == v</c>, <c>p.Tags.Any(...)</c>): a photo arriving can match only if its
/// join column holds a key of a matching row of the other table, read by a second query on the miss. Each case checks writes
/// that cannot change the answer (hits) and writes that do (misses with the new answer), including the ways the set of keys
/// itself changes. Seed: photo i (1..12) belongs to user ((i - 1) % 3) + 1 (alice, bob, david), status i % 2; tags 1 'sun'
/// and 2 'sea' on photo 1, tag 3 'city' on photo 2.
/// </summary>
public sealed class JoinedArrivalTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task ReferenceNavigation_ArrivalsOfOtherUsersPhotos_AreHits_AndTheKeysFollowTheUsers(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        var name = "alice";
        async Task<int[]> OfAlice()
        {
            var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == name).OrderBy(p => p.Id).Select(p => p.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        Assert.Equal(new[] { 1, 4, 7, 10 }, await OfAlice());
        await Hit(test, OfAlice);

        // Bob's and david's photos arriving, moving between them, or pointing at no user: none can be alice's.
        db.Insert(new Photo { Id = 20, UserId = 2, Status = 0, Title = "p20" });
        db.Execute("INSERT INTO \"Photo\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (21, 3, 1, 'p21')");
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.UserId, 3).Update();
        db.Insert(new Photo { Id = 22, UserId = 99, Status = 0, Title = "nobody's" });
        Assert.Equal(new[] { 1, 4, 7, 10 }, await Hit(test, OfAlice));

        // Alice's photo arriving (new, or moved to her) is a miss.
        db.Insert(new Photo { Id = 23, UserId = 1, Status = 0, Title = "p23" });
        Assert.Equal(new[] { 1, 4, 7, 10, 23 }, await Miss(test, OfAlice));
        db.Execute("UPDATE \"Photo\" SET \"UserId\" = 1 WHERE \"Id\" = 20");
        Assert.Equal(new[] { 1, 4, 7, 10, 20, 23 }, await Miss(test, OfAlice));

        // The keys change: david renamed alice, then a photo arriving for him; a new user alice, then her photo.
        db.GetTable<User>().Where(u => u.Id == 3).Set(u => u.Name, "alice").Update();
        Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 9, 10, 12, 20, 21, 23 }, await Miss(test, OfAlice));
        db.Insert(new Photo { Id = 24, UserId = 3, Status = 0, Title = "p24" });
        Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 9, 10, 12, 20, 21, 23, 24 }, await Miss(test, OfAlice));
        db.Insert(new User { Id = 4, Name = "alice" });
        db.Insert(new Photo { Id = 25, UserId = 4, Status = 0, Title = "p25" });
        Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 9, 10, 12, 20, 21, 23, 24, 25 }, await Miss(test, OfAlice));

        // A matching user's key changing: her photos leave, and a photo arriving under the new key is hers.
        db.Execute("UPDATE \"User\" SET \"Id\" = 50 WHERE \"Id\" = 4");
        Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 9, 10, 12, 20, 21, 23, 24 }, await Miss(test, OfAlice));
        db.Insert(new Photo { Id = 26, UserId = 50, Status = 0, Title = "p26" });
        Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 9, 10, 12, 20, 21, 23, 24, 26 }, await Miss(test, OfAlice));
    }

    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task CollectionAny_UntaggedArrivals_AreHits_AndATagBeforeItsPhoto_IsSeen(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        async Task<int[]> Sunny()
        {
            var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Tags.Any(t => t.Name == "sun")).OrderBy(p => p.Id).Select(p => p.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        async Task<int[]> Tagged()
        {
            var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Tags.Any()).OrderBy(p => p.Id).Select(p => p.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        Assert.Equal(new[] { 1 }, await Sunny());
        Assert.Equal(new[] { 1, 2 }, await Tagged());

        // New photos without tags, and a tag of another name: neither list can change (Tagged reads every tag).
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 0, Title = "p20" });
        db.Execute("INSERT INTO \"Photo\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (21, 2, 0, 'p21')");
        Assert.Equal(new[] { 1, 2 }, await Hit(test, Tagged));
        db.Insert(new Tag { Id = 10, PhotoId = 3, Name = "sea" });
        Assert.Equal(new[] { 1 }, await Hit(test, Sunny));

        // A sun tag on another photo; a sun tag written before its photo exists, then the photo.
        db.Insert(new Tag { Id = 11, PhotoId = 2, Name = "sun" });
        Assert.Equal(new[] { 1, 2 }, await Miss(test, Sunny));
        db.Insert(new Tag { Id = 12, PhotoId = 30, Name = "sun" });
        Assert.Equal(new[] { 1, 2 }, await Miss(test, Sunny));
        Assert.Equal(new[] { 1, 2, 3 }, await Miss(test, Tagged));
        db.Insert(new Photo { Id = 30, UserId = 3, Status = 1, Title = "p30" });
        Assert.Equal(new[] { 1, 2, 30 }, await Miss(test, Sunny));
        Assert.Equal(new[] { 1, 2, 3, 30 }, await Miss(test, Tagged));

        // A photo whose key changes onto the orphan key of a sun tag arrives.
        db.Insert(new Tag { Id = 13, PhotoId = 31, Name = "sun" });
        Assert.Equal(new[] { 1, 2, 30 }, await Miss(test, Sunny));
        db.Execute("UPDATE \"Photo\" SET \"Id\" = 31 WHERE \"Id\" = 5");
        Assert.Equal(new[] { 1, 2, 30, 31 }, await Miss(test, Sunny));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NavigationAndRootEquality_ArrivalsNeedBoth_RemovalsByTheRootsEquality(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> AliceStatusOne() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.User.Name == "alice" && p.Status == 1).OrderBy(p => p.Id).Select(p => p.Id).ToArray());

        Assert.Equal(new[] { 1, 7 }, await AliceStatusOne());

        // Arrivals with status 1 for bob, with status 0 for alice; a status-0 photo of alice changing its title.
        db.Insert(new Photo { Id = 20, UserId = 2, Status = 1, Title = "p20" });
        db.Insert(new Photo { Id = 21, UserId = 1, Status = 0, Title = "p21" });
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Title, "four").Update();
        Assert.Equal(new[] { 1, 7 }, await Hit(test, AliceStatusOne));

        // Alice's status-1 arrival, a status-0 photo of hers turning 1, and one of the answer's rows leaving status 1.
        db.Insert(new Photo { Id = 22, UserId = 1, Status = 1, Title = "p22" });
        Assert.Equal(new[] { 1, 7, 22 }, await Miss(test, AliceStatusOne));
        db.GetTable<Photo>().Where(p => p.Id == 21).Set(p => p.Status, 1).Update();
        Assert.Equal(new[] { 1, 7, 21, 22 }, await Miss(test, AliceStatusOne));
        db.Execute("UPDATE \"Photo\" SET \"Status\" = 0 WHERE \"Id\" = 7");
        Assert.Equal(new[] { 1, 21, 22 }, await Miss(test, AliceStatusOne));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MoreKeysThanTheLimit_KeepsEveryArrival(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Task<int[]> Many() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Tags.Any(t => t.Name == "many")).OrderBy(p => p.Id).Select(p => p.Id).ToArray());

        // Tags named "many" on 70 photos that do not exist yet (keys 101..170): more than the key query may return.
        for (var i = 0; i < 70; i++)
        {
            db.Insert(new Tag { Id = 100 + i, PhotoId = 101 + i, Name = "many" });
        }

        Assert.Equal(Array.Empty<int>(), await Many());
        await Hit(test, Many);
        db.Insert(new Photo { Id = 170, UserId = 1, Status = 0, Title = "p170" });
        Assert.Equal(new[] { 170 }, await Miss(test, Many));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ComparisonWithNull_ThroughAnOptionalNavigation_MatchesPhotosWithoutAUser(string provider)
    {
        // DPhoto.User may be missing (a left join): User.Name == null matches a photo whose user does not exist, so a
        // photo arriving with any user id may match, and the comparison must not narrow.
        using var database = provider == "sqlite" ? IsolatedDatabase.Sqlite("joinnull") : IsolatedDatabase.Postgres("joinnull");
        using var cache = new QueryCache(new QueryCacheOptions());
        using var db = new DataConnection(database.Options.UseCacheBot(cache));
        db.CreateTable<DUser>();
        db.CreateTable<DPhoto>();
        db.Insert(new DUser { Id = 1, Name = "ann" });
        db.Insert(new DPhoto { Id = 1, UserId = 1, Title = "t1" });
        string? missing = null;
        int[] Orphans() => [.. db.GetTable<DPhoto>().AsCacheBot().Cache().Where(p => p.User!.Name == missing).OrderBy(p => p.Id).Select(p => p.Id)];

        Assert.Equal(Array.Empty<int>(), Orphans());
        db.Insert(new DPhoto { Id = 2, UserId = 42, Title = "t2" });
        var hits = cache.Statistics.Hits;
        Assert.Equal(new[] { 2 }, Orphans());
        Assert.Equal(hits, cache.Statistics.Hits);
    }
}

using System.Data;
using System.Data.Common;
using System.Linq.Expressions;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Common;
using LinqToDB.Data;
using LinqToDB.Interceptors;
using static CacheBot.Linq2Db.Tests.Querying.HitOrMiss;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// Lists of users filtered by a threshold on a navigation's count (<c>u.Photos.Count(p =&gt; p.Status == s) &gt; 1</c>): a
/// user in the answer leaves only when one of two of its matching photos (the witnesses) leaves, one outside it enters only
/// when a matching photo arrives for it. Each case checks writes that cross no threshold (hits) and writes that do (misses
/// with the new answer). Seed: photo i (1..12) belongs to user ((i - 1) % 3) + 1 (alice, bob, david), status i % 2, so each
/// user has two photos of each status: alice 1 and 7 (status 1), bob 5 and 11, david 3 and 9.
/// </summary>
public sealed class CountThresholdTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task AboveOne_WritesThatCrossNoThreshold_AreHits_AndUsersOutsideEnterByArrivals(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        var status = 1;
        async Task<int[]> Active()
        {
            var query = db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == status) > 1).OrderBy(u => u.Id).Select(u => u.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        Assert.Equal(new[] { 1, 2, 3 }, await Active());
        await Hit(test, Active);

        // A third status-1 photo for alice, then it changing title and status; status-0 photos arriving or changing.
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 1, Title = "p20" });
        db.GetTable<Photo>().Where(p => p.Id == 20).Set(p => p.Title, "twenty").Update();
        db.Execute("UPDATE \"Photo\" SET \"Status\" = 0 WHERE \"Id\" = 20");
        db.Insert(new Photo { Id = 21, UserId = 2, Status = 0, Title = "p21" });
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Title, "four").Update();
        Assert.Equal(new[] { 1, 2, 3 }, await Hit(test, Active));

        // A new user is an arrival of the root; one matching photo for her is not enough, the second is.
        db.Insert(new User { Id = 4, Name = "eve" });
        Assert.Equal(new[] { 1, 2, 3 }, await Miss(test, Active));
        db.Insert(new Photo { Id = 22, UserId = 4, Status = 1, Title = "p22" });
        Assert.Equal(new[] { 1, 2, 3 }, await Miss(test, Active));
        db.Insert(new Photo { Id = 23, UserId = 4, Status = 0, Title = "p23" });
        Assert.Equal(new[] { 1, 2, 3 }, await Hit(test, Active));
        db.Execute("UPDATE \"Photo\" SET \"Status\" = 1 WHERE \"Id\" = 23");
        Assert.Equal(new[] { 1, 2, 3, 4 }, await Miss(test, Active));

        // A matching photo arriving for a user in the answer.
        db.Insert(new Photo { Id = 24, UserId = 2, Status = 1, Title = "p24" });
        Assert.Equal(new[] { 1, 2, 3, 4 }, await Hit(test, Active));
    }

    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task AboveOne_AWitnessLeaving_IsAMiss_AndTheAnswerFollows(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        async Task<int[]> Active()
        {
            var query = db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == 1) > 1).OrderBy(u => u.Id).Select(u => u.Id);
            return async ? await query.ToArrayAsync(ct) : query.ToArray();
        }

        Assert.Equal(new[] { 1, 2, 3 }, await Active());

        // Deleted, changed away from the predicate, moved to another user: each drops its user below two.
        db.GetTable<Photo>().Where(p => p.Id == 7).Delete();
        Assert.Equal(new[] { 2, 3 }, await Miss(test, Active));
        db.Execute("UPDATE \"Photo\" SET \"Status\" = 0 WHERE \"Id\" = 5");
        Assert.Equal(new[] { 3 }, await Miss(test, Active));
        db.GetTable<Photo>().Where(p => p.Id == 9).Set(p => p.UserId, 1).Update();
        Assert.Equal(new[] { 1 }, await Miss(test, Active));

        // A witness whose key changes no longer names its photo: a change the entry holds, though the photo still counts. Written
        // outside linq2db and reported with both images, which tell exactly that only the key changed.
        await using (var plain = new DataConnection(test.PlainOptions))
        {
            plain.Execute("UPDATE \"Photo\" SET \"Id\" = 30 WHERE \"Id\" = 9");
        }

        test.Cache.NotifyUpdated(new Photo { Id = 9, UserId = 1, Status = 1, Title = "p9" }, new Photo { Id = 30, UserId = 1, Status = 1, Title = "p9" }, test.DatabaseId);
        Assert.Equal(new[] { 1 }, await Miss(test, Active));
        db.GetTable<Photo>().Where(p => p.Id == 30).Delete();
        Assert.Equal(Array.Empty<int>(), await Miss(test, Active));
    }

    public static TheoryData<string, string> Forms() => new()
    {
        { "sqlite", "Count(P) >= 2" },
        { "sqlite", "1 < Count(P)" },
        { "sqlite", "Count(P) >= 1" },
        { "sqlite", "Count() > 0" },
        { "postgres", "Count(P) >= 2" },
        { "postgres", "Count(P) >= 1" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task ThresholdForms_NarrowAlike(string provider, string form)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Expression<Func<User, bool>> filter = form switch
        {
            "Count(P) >= 2" => u => u.Photos.Count(p => p.Status == 1) >= 2,
            "1 < Count(P)" => u => 1 < u.Photos.Count(p => p.Status == 1),
            "Count(P) >= 1" => u => u.Photos.Count(p => p.Status == 1) >= 1,
            _ => u => u.Photos.Count() > 0,
        };
        Task<int[]> Read() => Task.FromResult(db.GetTable<User>().AsCacheBot().Cache().Where(filter).OrderBy(u => u.Id).Select(u => u.Id).ToArray());

        Assert.Equal(new[] { 1, 2, 3 }, await Read());

        // A matching photo arriving for a user in the answer, and a photo that is not a witness leaving.
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 1, Title = "p20" });
        db.Insert(new Photo { Id = 21, UserId = 1, Status = 1, Title = "p21" });
        db.GetTable<Photo>().Where(p => p.Id == 20).Delete();
        Assert.Equal(new[] { 1, 2, 3 }, await Hit(test, Read));

        // Bob's matching photos leave, smallest key first: each is a witness when it leaves; the answer changes at the last one
        // a threshold of one needs, or at the first one of two.
        int[] bobs = form switch
        {
            "Count() > 0" => [2, 5, 8, 11],
            "Count(P) >= 1" => [5, 11],
            _ => [5],
        };
        foreach (var id in bobs)
        {
            db.GetTable<Photo>().Where(p => p.Id == id).Delete();
            Assert.Equal(id == bobs[^1] ? new[] { 1, 3 } : new[] { 1, 2, 3 }, await Miss(test, Read));
        }
    }

    public static TheoryData<string, string> NegatedForms() => new()
    {
        { "sqlite", "!Any(P)" },
        { "sqlite", "Count(P) == 0" },
        { "sqlite", "Count(P) < 2" },
        { "sqlite", "1 >= Count(P)" },
        { "postgres", "!Any(P)" },
        { "postgres", "Count(P) < 2" },
    };

    /// <summary>
    /// Negated thresholds: a user outside the answer (with enough matching photos) enters only when one of its witnesses
    /// leaves; a user in it leaves only when a matching photo arrives for it.
    /// </summary>
    [Theory]
    [MemberData(nameof(NegatedForms))]
    public async Task NegatedThresholds_SwapWitnessesAndArrivals(string provider, string form)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        Expression<Func<User, bool>> filter = form switch
        {
            "!Any(P)" => u => !u.Photos.Any(p => p.Status == 1),
            "Count(P) == 0" => u => u.Photos.Count(p => p.Status == 1) == 0,
            "Count(P) < 2" => u => u.Photos.Count(p => p.Status == 1) < 2,
            _ => u => 1 >= u.Photos.Count(p => p.Status == 1),
        };
        var needed = form is "!Any(P)" or "Count(P) == 0" ? 1 : 2;
        Task<int[]> Read() => Task.FromResult(db.GetTable<User>().AsCacheBot().Cache().Where(filter).OrderBy(u => u.Id).Select(u => u.Id).ToArray());

        Assert.Equal(Array.Empty<int>(), await Read());

        // A matching photo arriving for bob, then leaving (not a witness); with one witness needed, his larger one leaving too.
        db.Insert(new Photo { Id = 20, UserId = 2, Status = 1, Title = "p20" });
        db.GetTable<Photo>().Where(p => p.Id == 20).Delete();
        if (needed == 1)
        {
            db.GetTable<Photo>().Where(p => p.Id == 11).Delete();
        }

        Assert.Equal(Array.Empty<int>(), await Hit(test, Read));

        // His smallest (a witness) leaving: he enters. A status-0 photo for him is a hit, a status-1 one takes him out again.
        db.GetTable<Photo>().Where(p => p.Id == 5).Delete();
        Assert.Equal(new[] { 2 }, await Miss(test, Read));
        db.Insert(new Photo { Id = 21, UserId = 2, Status = 0, Title = "p21" });
        Assert.Equal(new[] { 2 }, await Hit(test, Read));
        db.Insert(new Photo { Id = 22, UserId = 2, Status = 1, Title = "p22" });
        Assert.Equal(Array.Empty<int>(), await Miss(test, Read));

        // A new user without photos is in the answer.
        db.Insert(new User { Id = 4, Name = "eve" });
        Assert.Equal(new[] { 4 }, await Miss(test, Read));
    }

    /// <summary>
    /// <c>p.Tags.Any(...)</c> narrows the photos' arrivals by the join keys when there are at most 64 (JoinedArrivals); with
    /// more, the tags are keyed by witnesses instead (never both: a tag written for a photo that does not exist yet, then the
    /// photo, would reach neither).
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CollectionAny_WithMoreJoinKeysThanTheLimit_KeysTheTagsByWitnesses(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        for (var i = 0; i < 70; i++)
        {
            db.Insert(new Tag { Id = 100 + i, PhotoId = 101 + i, Name = "many" });
        }

        Task<int[]> Many() =>
            Task.FromResult(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Tags.Any(t => t.Name == "many")).OrderBy(p => p.Id).Select(p => p.Id).ToArray());

        Assert.Equal(Array.Empty<int>(), await Many());

        // Tags of other names on photos outside the answer, and "many" on a photo that does not exist: hits.
        db.Insert(new Tag { Id = 200, PhotoId = 2, Name = "sea" });
        db.Insert(new Tag { Id = 201, PhotoId = 300, Name = "many" });
        Assert.Equal(Array.Empty<int>(), await Hit(test, Many));

        // That photo arriving (any photo arrives: no join keys), then "many" on photo 3; the witness of 300 leaving.
        db.Insert(new Photo { Id = 300, UserId = 1, Status = 0, Title = "p300" });
        Assert.Equal(new[] { 300 }, await Miss(test, Many));
        db.Insert(new Tag { Id = 202, PhotoId = 3, Name = "many" });
        Assert.Equal(new[] { 3, 300 }, await Miss(test, Many));
        db.Insert(new Tag { Id = 203, PhotoId = 3, Name = "many" });
        Assert.Equal(new[] { 3, 300 }, await Hit(test, Many));
        db.GetTable<Tag>().Where(t => t.Id == 201).Set(t => t.Name, "few").Update();
        Assert.Equal(new[] { 3 }, await Miss(test, Many));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MoreUsersThanTheLimit_KeepTheCoarserKeys(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        for (var i = 0; i < 70; i++)
        {
            db.Insert(new User { Id = 100 + i, Name = "u" + i });
        }

        Task<int[]> Active() =>
            Task.FromResult(db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == 1) > 1).OrderBy(u => u.Id).Select(u => u.Id).ToArray());

        Assert.Equal(new[] { 1, 2, 3 }, await Active());
        await Hit(test, Active);
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 1, Title = "p20" });
        Assert.Equal(new[] { 1, 2, 3 }, await Miss(test, Active));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MoreKeysThanTheLimit_KeepTheCoarserKeys(string provider)
    {
        // 50 users without photos, outside the answer, each keyed by every status the predicate names: more than 128 keys with three.
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        for (var i = 0; i < 50; i++)
        {
            db.Insert(new User { Id = 100 + i, Name = "u" + i });
        }

        Task<int[]> Active(int a, int b, int c) =>
            Task.FromResult(db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == a || p.Status == b || p.Status == c) > 1)
                .OrderBy(u => u.Id).Select(u => u.Id).ToArray());

        // Three statuses: 156 keys. Statuses 1, 2 and 1 again: two tuples, 106 keys.
        Assert.Equal(new[] { 1, 2, 3 }, await Active(1, 2, 3));
        Assert.Equal(new[] { 1, 2, 3 }, await Active(1, 2, 1));
        db.Insert(new Photo { Id = 20, UserId = 1, Status = 1, Title = "p20" });
        Assert.Equal(new[] { 1, 2, 3 }, await Miss(test, () => Active(1, 2, 3)));
        Assert.Equal(new[] { 1, 2, 3 }, await Hit(test, () => Active(1, 2, 1)));
    }

    /// <summary>
    /// A witness leaving between the list and the second query: the second query finds alice with one matching photo, so the
    /// entry must keep the coarser keys, which the write (after the read position) reaches. Holding the one witness left would
    /// serve alice from the cache after she left.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AWitnessLeavingBetweenTheListAndTheSecondQuery_IsSeen(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var writer = test.Open();
        var injector = new BeforeWitnessQuery(() => writer.GetTable<Photo>().Where(p => p.Id == 7).Delete());
        await using var db = new DataConnection(test.PlainOptions.UseInterceptor(injector).UseCacheBot(test.Cache));
        int[] Active() => [.. db.GetTable<User>().AsCacheBot().Cache().Where(u => u.Photos.Count(p => p.Status == 1) > 1).OrderBy(u => u.Id).Select(u => u.Id)];

        Assert.Equal(new[] { 1, 2, 3 }, Active());
        Assert.True(injector.Injected);
        Assert.Equal(new[] { 2, 3 }, Active());
    }

    /// <summary>Runs a write once, just before the first command that reads a minimum (the witness query).</summary>
    private sealed class BeforeWitnessQuery(Action write) : CommandInterceptor
    {
        public bool Injected { get; private set; }

        public override Option<DbDataReader> ExecuteReader(CommandEventData eventData, DbCommand command, CommandBehavior commandBehavior, Option<DbDataReader> result)
        {
            if (!Injected && command.CommandText.Contains("MIN(", StringComparison.OrdinalIgnoreCase))
            {
                Injected = true;
                write();
            }

            return result;
        }
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Async;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// The miss path on a real database (issue 10, "Misses"): once a shape is known, a miss runs exactly the query (one command,
/// no probe, no catalog read) and takes its analysis from the shape's plan, with dependencies of its own values.
/// </summary>
public sealed class MissPathTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task Miss_KnownShape_RunsOneCommandAndUsesThePlan(string provider, bool async)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        async Task<List<Photo>> ByUser(int user, int status) => async
            ? await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == user && p.Status == status).ToListAsync(ct)
            : db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == user && p.Status == status).ToList();
        async Task<Photo> ById(int id) => async
            ? await db.GetTable<Photo>().AsCacheBot().FirstAsync(p => p.Id == id, ct)
            : db.GetTable<Photo>().AsCacheBot().First(p => p.Id == id);

        // Values of another equality pattern would make the plan decline (ByUser(1, 1) then (2, 1)): keep them distinct.
        _ = await ByUser(2, 1);
        _ = await ById(1);
        var planned = test.Cache.PlannedAnalyses;
        var misses = test.Cache.Statistics.Misses;
        test.Counter.Reset();

        var list = await ByUser(3, 1);
        var photo = await ById(2);

        Assert.Equal(misses + 2, test.Cache.Statistics.Misses);
        Assert.Equal(planned + 2, test.Cache.PlannedAnalyses);
        Assert.Equal(2, test.Counter.Total);
        Assert.Equal(async ? 2 : 0, test.Counter.AsyncCommands);
        Assert.Equal("p2", photo.Title);
        Assert.All(list, p => Assert.Equal(3, p.UserId));
        Assert.NotEmpty(list);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Miss_FromPlan_DependsOnItsOwnValues(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        List<Photo> ByUser(int user) => db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == user && p.Status == 1).ToList();

        _ = ByUser(2);
        var planned = test.Cache.PlannedAnalyses;
        _ = ByUser(3);
        Assert.Equal(planned + 1, test.Cache.PlannedAnalyses);

        // A write to user 2's rows leaves user 3's planned entry valid; one to user 3's rows invalidates it.
        db.GetTable<Photo>().Where(p => p.UserId == 2 && p.Status == 1).Set(p => p.Title, "user 2").Update();
        var hits = test.Cache.Statistics.Hits;
        _ = ByUser(3);
        Assert.Equal(hits + 1, test.Cache.Statistics.Hits);

        db.GetTable<Photo>().Where(p => p.UserId == 3 && p.Status == 1).Set(p => p.Title, "user 3").Update();
        var misses = test.Cache.Statistics.Misses;
        var fresh = ByUser(3);
        Assert.Equal(misses + 1, test.Cache.Statistics.Misses);
        Assert.NotEmpty(fresh);
        Assert.All(fresh, p => Assert.Equal("user 3", p.Title));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Miss_AfterSchemaChange_AnalysesAgain(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        List<Photo> ByUser(int user) => db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == user).ToList();

        _ = ByUser(1);
        _ = ByUser(2);
        var planned = test.Cache.PlannedAnalyses;

        // DDL through CacheBot replaces the catalog snapshot: the model rebuilds the table, and the plan made with the old
        // table model must not serve (a new plan is made from the fresh analysis).
        db.Execute("ALTER TABLE \"Photo\" ADD COLUMN \"Extra\" INTEGER");
        _ = ByUser(3);
        Assert.Equal(planned, test.Cache.PlannedAnalyses);
        _ = ByUser(1);
        Assert.Equal(planned + 1, test.Cache.PlannedAnalyses);
    }
}

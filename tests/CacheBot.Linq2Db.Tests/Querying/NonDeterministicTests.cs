using System.Linq.Expressions;
using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

#pragma warning disable CA5394 // Random is the point: a non-deterministic value inside a query.

/// <summary>
/// Non-deterministic values (clock, random, new ids, server-side clock functions) refuse the query with the documented
/// reason, <c>NonDeterministic</c>, and a detail naming the member, whether they appear in a filter or a projection, and
/// whether the key walk (which reads captured and static values) or the analyser finds them first.
/// </summary>
public sealed class NonDeterministicTests
{
    public static TheoryData<string, string> Forms()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var form in Filters.Keys)
            {
                data.Add(provider, form);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, (Expression<Func<Photo, bool>> Filter, string Member)> Filters = new()
    {
        ["DateTime.Now"] = (p => p.Id < 100 || DateTime.Now.Year < 2000, "DateTime.Now"),
        ["DateTime.UtcNow"] = (p => p.Id < 100 || DateTime.UtcNow < new DateTime(2000, 1, 1), "DateTime.UtcNow"),
        ["DateTime.Today"] = (p => p.Id < 100 || DateTime.Today.Day == 0, "DateTime.Today"),
        ["DateTime.Now.AddDays"] = (p => p.Id < 100 || DateTime.Now.AddDays(1).Year < 2000, "DateTime.Now"),
        ["DateTimeOffset.UtcNow"] = (p => p.Id < 100 || DateTimeOffset.UtcNow.Year < 2000, "DateTimeOffset.UtcNow"),
        ["Guid.NewGuid"] = (p => p.Id < 100 || Guid.NewGuid() == Guid.Empty, "Guid.NewGuid()"),
        ["Random.Shared"] = (p => p.Id < 100 + Random.Shared.Next(1), "Random"),
        ["new Random"] = (p => p.Id < 100 + new Random().Next(1), "Random"),
        ["Environment.TickCount"] = (p => p.Id < 100 || Environment.TickCount == 0, "Environment.TickCount"),
        ["Sql.CurrentTimestamp"] = (p => p.Id < 100 || Sql.CurrentTimestamp < new DateTime(2000, 1, 1), "Sql.CurrentTimestamp"),
        ["Sql.NewGuid"] = (p => p.Id < 100 || Sql.NewGuid() == Guid.Empty, "Sql.NewGuid()"),
        ["== DateTime.Now"] = (p => p.Id < 100 || new DateTime(2000, 1, 1) == DateTime.Now, "DateTime.Now"),
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task NonDeterministicValueInFilter_RunsUncached_WithNonDeterministicReasonNamingTheMember(string provider, string form)
    {
        using var recorder = new RefusalRecorder();
        using var cache = new QueryCache(new QueryCacheOptions(), recorder);
        await using var test = await TestDb.CreateAsync(provider, cache);
        using var db = test.Open();
        var (filter, member) = Filters[form];

        for (var i = 0; i < 2; i++)
        {
            var rows = db.GetTable<Photo>().AsCacheBot().Cache().Where(filter).ToList();
            Assert.Equal(TestDb.PhotoCount, rows.Count);
        }

        Assert.Equal(2, cache.Statistics.Bypasses);
        Assert.Equal(0, cache.Statistics.Stores);
        Assert.Equal(2, recorder.Refusals.Count);
        Assert.All(recorder.Refusals, r => Assert.Equal(nameof(Linq.Analysis.RefusalReason.NonDeterministic), r.Reason));
        Assert.Contains(member, recorder.Refusals[0].Detail, StringComparison.Ordinal);
        Assert.Contains("not deterministic", recorder.Refusals[0].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DateTimeNowInProjection_RunsUncached_WithNonDeterministicReason(string provider)
    {
        using var recorder = new RefusalRecorder();
        using var cache = new QueryCache(new QueryCacheOptions(), recorder);
        await using var test = await TestDb.CreateAsync(provider, cache);
        using var db = test.Open();

        var rows = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => new { p.Id, Year = DateTime.Now.Year }).ToList();
        var first = db.GetTable<Photo>().AsCacheBot().Where(p => p.Id == 1).Select(p => new { p.Id, At = DateTime.UtcNow }).FirstOrDefault();

        Assert.Single(rows);
        Assert.NotNull(first);
        Assert.Equal(2, cache.Statistics.Bypasses);
        Assert.Equal(nameof(Linq.Analysis.RefusalReason.NonDeterministic), recorder.Refusals[0].Reason);
        Assert.Equal("DateTime.Now is not deterministic", recorder.Refusals[0].Detail);
        Assert.Equal("DateTime.UtcNow is not deterministic", recorder.Refusals[1].Detail);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CapturedClockValue_IsAnOrdinaryValue_AndIsCached(string provider)
    {
        // A value read from the clock before the query is built is a constant of the query: cached, keyed by value.
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var now = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

        for (var i = 0; i < 2; i++)
        {
            _ = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id < 5 || now.Year < 2000).ToList();
        }

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Cache.Statistics.Bypasses);
    }
}

using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary>Every <see cref="RefusalReason"/> reaches <c>Explain()</c> and <c>TopShapes()</c> in its own words.</summary>
public sealed class RefusalReasonTextTests
{
    public static TheoryData<string> Reasons => new(Enum.GetNames<RefusalReason>().Where(r => r != nameof(RefusalReason.None)));

    [Fact]
    public void Words_EveryReason_HasItsOwnWords()
    {
        var words = Enum.GetValues<RefusalReason>().Select(RefusalText.Words).ToList();

        Assert.Equal(words.Count, words.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Enum.GetValues<RefusalReason>(), r => Assert.NotEqual(r.ToString(), RefusalText.Words(r)));
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public void Reason_ReachesExplainAndTopShapes(string name)
    {
        var reason = Enum.Parse<RefusalReason>(name);
        using var scenario = Scenario.For(reason);
        var words = RefusalText.Words(reason);

        var explanation = scenario.Explain();
        scenario.Run();
        scenario.Run();

        Assert.False(explanation.IsCacheable);
        Assert.Equal(scenario.Decision, explanation.Decision);
        Assert.StartsWith(words + ": ", explanation.Reason, StringComparison.Ordinal);
        Assert.Contains(scenario.Detail, explanation.Reason, StringComparison.Ordinal);
        Assert.Contains(explanation.Reason!, explanation.ToString(), StringComparison.Ordinal);

        var shape = Assert.Single(scenario.Cache.Statistics.TopShapes());
        Assert.Equal(2, shape.Bypasses);
        Assert.Equal(0, shape.Hits + shape.Misses);
        Assert.StartsWith(words + ": ", shape.LastRefusalReason, StringComparison.Ordinal);
        Assert.Contains(scenario.Detail, shape.LastRefusalReason, StringComparison.Ordinal);
        Assert.Equal(explanation.Shape, shape.Shape);
    }

    /// <summary>A query refused (or bypassed) for one reason, with the words its detail must contain.</summary>
    private sealed class Scenario : IDisposable
    {
        private readonly IDisposable? _owned;

        private Scenario(QueryCache cache, IDisposable? owned, Func<CacheExplanation> explain, Action run, CacheDecision decision, string detail)
        {
            Cache = cache;
            _owned = owned;
            Explain = explain;
            Run = run;
            Decision = decision;
            Detail = detail;
        }

        public QueryCache Cache { get; }

        public Func<CacheExplanation> Explain { get; }

        public Action Run { get; }

        public CacheDecision Decision { get; }

        public string Detail { get; }

        public static Scenario For(RefusalReason reason)
        {
            switch (reason)
            {
                case RefusalReason.NonDeterministic:
                {
                    var db = new TestDb();
                    var query = db.Photos.Cache().Where(p => p.Likes < DateTime.Now.Second);
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Refused, "DateTime.Now");
                }

                case RefusalReason.UnidentifiedTable:
                {
                    var cache = new QueryCache(new QueryCacheOptions());
                    var query = new[] { 1, 2, 3 }.AsQueryable().AsCacheBot(cache).Cache().Where(x => x > 1);
                    return new(cache, cache, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Refused, "cannot identify the table");
                }

                case RefusalReason.IgnoredTable:
                {
                    var options = new QueryCacheOptions();
                    options.IgnoredTables.Add("Photos");
                    var db = new TestDb(options);
                    var query = db.Photos.Cache().Where(p => p.UserId == 1);
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Refused, "Photos is in IgnoredTables");
                }

                case RefusalReason.UnsupportedOperator:
                {
                    var db = new TestDb();
                    var query = db.Photos.Cache().Where(p => p.UserId == 1).EveryOther();
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Refused, "EveryOther");
                }

                case RefusalReason.Unhashable:
                {
                    var db = new TestDb();
                    var lookup = new Dictionary<int, string> { [1] = "a" };
                    var query = db.Photos.Cache().Where(p => lookup.ContainsKey(p.Id));
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Refused, "holds nodes or values");
                }

                case RefusalReason.InsideTransaction:
                {
                    var db = new TestDb();
                    var query = db.Photos.Cache().Where(p => p.UserId == 1);
                    return new(
                        db.Cache,
                        db,
                        () =>
                        {
                            using var scope = db.Cache.BeginWriteScope();
                            return query.Explain();
                        },
                        () =>
                        {
                            using var scope = db.Cache.BeginWriteScope();
                            _ = query.ToList();
                        },
                        CacheDecision.Bypassed,
                        "bypass the cache");
                }

                case RefusalReason.StoreFailure:
                {
                    var store = new ChaosStore { ThrowOnGet = true };
                    var db = new TestDb(new QueryCacheOptions { ResultStore = store });
                    var query = db.Photos.Cache().Where(p => p.UserId == 1);
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Bypassed, "result store threw");
                }

                case RefusalReason.CoordinatorUnavailable:
                {
                    var db = new TestDb(new QueryCacheOptions { Coordinator = new UnavailableCoordinator() });
                    var query = db.Photos.Cache().Where(p => p.UserId == 1);
                    return new(db.Cache, db, () => query.Explain(), () => _ = query.ToList(), CacheDecision.Bypassed, "coordinator cannot confirm");
                }

                default:
                    Assert.Fail($"No scenario for {reason}: add one so that its words are tested.");
                    return null!;
            }
        }

        public void Dispose() => _owned?.Dispose();
    }

    /// <summary>A coordinator whose backend is down: reads never get its confirmation.</summary>
    private sealed class UnavailableCoordinator : CacheCoordinator
    {
        public override ValueTask<bool> EnterReadAsync(bool async, CancellationToken cancellationToken) => new(false);

        public override ValueTask<object?> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken) => new((object?)null);

        public override ValueTask<long?> CompleteCommitAsync(object? token, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken) =>
            new((long?)null);

        protected override void Attach(CoordinatorLink link)
        {
        }
    }
}

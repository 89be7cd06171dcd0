using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Model;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Querying;

/// <summary>
/// The analysis per shape (<see cref="AnalysisPlan"/>): a miss of a known shape takes its dependencies from the plan with its
/// own values, and the plan is used only when it gives exactly what the analyzer would.
/// </summary>
public sealed class AnalysisPlanTests
{
    private static readonly AnalysisSettings Settings = new(64, InvalidationGranularity.Conjunctive, new HashSet<string>(), null);

    [Fact]
    public void Miss_SameShapeOtherValues_UsesPlanWithItsOwnValues()
    {
        using var db = new TestDb();
        var (u, s) = (1, 2);
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == u && p.Status == s).ToList();
        db.Expect(Outcome.Miss, query);
        var planned = db.Cache.PlannedAnalyses;
        u = 3;
        db.Expect(Outcome.Miss, query);
        Assert.Equal(planned + 1, db.Cache.PlannedAnalyses);

        // The planned entry depends on (3, 2), not on the first query's (1, 2).
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 2, p => p.Title = "user 1");
        db.Expect(Outcome.Hit, query);
        u = 1;
        db.Expect(Outcome.Miss, query);
        u = 3;
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 2, p => p.Title = "user 3");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Miss_LiteralsOfOneShape_UsePlanWithTheirOwnLiterals()
    {
        using var db = new TestDb();
        db.Expect(Outcome.Miss, (IQueryable<Photo> q) => q.Where(p => p.UserId == 1).ToList());
        var planned = db.Cache.PlannedAnalyses;
        Func<IQueryable<Photo>, object?> second = q => q.Where(p => p.UserId == 3).ToList();
        db.Expect(Outcome.Miss, second);
        Assert.Equal(planned + 1, db.Cache.PlannedAnalyses);
        db.Update<Photo>(p => p.UserId == 1, p => p.Title = "user 1");
        db.Expect(Outcome.Hit, second);
        db.Update<Photo>(p => p.UserId == 3, p => p.Title = "user 3");
        db.Expect(Outcome.Miss, second);
    }

    [Fact]
    public void Miss_EqualValuesThenDifferent_AnalysesAgain()
    {
        using var db = new TestDb();
        var (u, s) = (2, 2);
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == u && p.Status == s).ToList();
        db.Expect(Outcome.Miss, query);
        var planned = db.Cache.PlannedAnalyses;
        u = 1;
        db.Expect(Outcome.Miss, query);
        Assert.Equal(planned, db.Cache.PlannedAnalyses);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 2, p => p.Title = "user 1");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Miss_NullValueFirst_IsAnalysedEachTime_ThenPlanned()
    {
        using var db = new TestDb();
        int? album = null;
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.AlbumId == album).ToList();
        db.Expect(Outcome.Miss, query);
        var planned = db.Cache.PlannedAnalyses;
        album = 1;
        db.Expect(Outcome.Miss, query);
        Assert.Equal(planned, db.Cache.PlannedAnalyses);
        album = 2;
        db.Expect(Outcome.Miss, query);
        Assert.Equal(planned + 1, db.Cache.PlannedAnalyses);
        db.Update<Photo>(p => p.AlbumId == 1, p => p.Title = "album 1");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.AlbumId == 2, p => p.Title = "album 2");
        db.Expect(Outcome.Miss, query);
        album = null;
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.AlbumId == null, p => p.Title = "no album");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Miss_PathsDiffer_PlanNotShared()
    {
        using var db = new TestDb();
        var u = 2;
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == u && p.Status == 1).ToList();
        db.Expect(Outcome.Miss, query);
        var planned = db.Cache.PlannedAnalyses;
        u = 3;
        db.Expect(Outcome.Miss, query);
        Assert.Equal(planned + 1, db.Cache.PlannedAnalyses);
        u = 4;
        db.Expect(Outcome.Miss, query, cacheCall: q => q.Cache(p => p.User));
        Assert.Equal(planned + 1, db.Cache.PlannedAnalyses);
    }

    public static TheoryData<string> Pairs => [.. PairCases.Keys];

    /// <summary>For each pair (E1, E2) of one shape: the plan made from E1 either declines E2 or gives exactly E2's analysis.</summary>
    [Theory]
    [MemberData(nameof(Pairs))]
    public void TryApply_GivesTheAnalyzersAnswerOrNothing(string name)
    {
        using var db = new TestDb();
        var model = new ClrEntityModel("default");
        var (first, second, expectPlanned) = PairCases[name](db);
        var evaluations = new List<ClientEvaluation>();
        var analysis = QueryAnalyzer.Analyze(first, model, null, Settings, evaluations);
        Assert.True(analysis.IsCacheable, analysis.ToString());
        var plan = AnalysisPlan.TryCreate(first, analysis, evaluations, model, null, Settings, null);
        var applied = plan?.TryApply(second, model, null, Settings, null);
        if (expectPlanned is { } expected)
        {
            Assert.Equal(expected, applied is not null);
        }

        if (applied is not null)
        {
            AssertSame(QueryAnalyzer.Analyze(second, model, null, Settings), applied);
        }

        // Applying to the tree it was made from gives its own analysis back.
        if (plan?.TryApply(first, model, null, Settings, null) is { } again)
        {
            AssertSame(analysis, again);
        }
    }

    [Fact]
    public void TryApply_OtherModelOrSettings_Declines()
    {
        using var db = new TestDb();
        var model = new ClrEntityModel("default");
        var u = 1;
        var tree = db.RawPhotos.Where(p => p.UserId == u).Expression;
        var evaluations = new List<ClientEvaluation>();
        var plan = AnalysisPlan.TryCreate(tree, QueryAnalyzer.Analyze(tree, model, null, Settings, evaluations), evaluations, model, null, Settings, null);
        Assert.NotNull(plan);
        Assert.NotNull(plan.TryApply(tree, model, null, Settings, null));
        Assert.Null(plan.TryApply(tree, new ClrEntityModel("default"), null, Settings, null));
        Assert.Null(plan.TryApply(tree, model, null, Settings with { MaxValueTuples = 3 }, null));
        Assert.Null(plan.TryApply(tree, model, null, Settings, "User"));
    }

    private static readonly Dictionary<string, Func<TestDb, (Expression First, Expression Second, bool? Planned)>> PairCases = new()
    {
        ["captured ints"] = db => (ByUserStatus(db, 1, 2), ByUserStatus(db, 3, 0), true),
        ["captured ints equal then not"] = db => (ByUserStatus(db, 2, 2), ByUserStatus(db, 3, 2), false),
        ["captured ints not equal then equal"] = db => (ByUserStatus(db, 1, 2), ByUserStatus(db, 2, 2), false),
        ["strings"] = db => (ByTitle(db, "a"), ByTitle(db, "b"), true),
        ["enum"] = db => (ByKind(db, PhotoKind.Landscape), ByKind(db, PhotoKind.Square), true),
        ["take count differs"] = db => (Take(db, 1, 2), Take(db, 1, 3), null),
        ["take count same"] = db => (Take(db, 1, 2), Take(db, 4, 2), true),
        ["nullable null then value"] = db => (ByAlbum(db, null), ByAlbum(db, 1), false),
        ["nullable value then null"] = db => (ByAlbum(db, 1), ByAlbum(db, null), false),
        ["nullable values"] = db => (ByAlbum(db, 1), ByAlbum(db, 3), true),
        ["in list"] = db => (InList(db, [1, 2]), InList(db, [3]), false),
        ["flag or value"] = db => (FlagOr(db, false, 1), FlagOr(db, true, 1), null),
        ["flag or value, same flag"] = db => (FlagOr(db, false, 1), FlagOr(db, false, 2), null),
        ["navigation"] = db => (ByUserName(db, "alice"), ByUserName(db, "bob"), null),
        ["subquery"] = db => (WithTag(db, "sun", 1), WithTag(db, "sea", 2), null),
        ["conditional value"] = db => (Conditional(db, true, 1, 2), Conditional(db, false, 1, 2), true),
        ["entity"] = db => (ByUser(db, db.UserRows[0]), ByUser(db, db.UserRows[1]), false),
    };

    private static Expression ByUserStatus(TestDb db, int u, int s) => db.RawPhotos.Where(p => p.UserId == u && p.Status == s).Expression;

    private static Expression ByTitle(TestDb db, string title) => db.RawPhotos.Where(p => p.Title == title).Expression;

    private static Expression ByKind(TestDb db, PhotoKind kind) => db.RawPhotos.Where(p => p.Kind == kind).Expression;

    private static Expression Take(TestDb db, int u, int n) => db.RawPhotos.Where(p => p.UserId == u).OrderBy(p => p.Id).Take(n).Expression;

    private static Expression ByAlbum(TestDb db, int? album) => db.RawPhotos.Where(p => p.AlbumId == album).Expression;

    private static Expression InList(TestDb db, int[] ids) => db.RawPhotos.Where(p => ids.Contains(p.UserId)).Expression;

    private static Expression FlagOr(TestDb db, bool flag, int u) => db.RawPhotos.Where(p => flag || p.UserId == u).Expression;

    private static Expression ByUserName(TestDb db, string name) => db.RawPhotos.Where(p => p.User.Name == name).Expression;

    private static Expression WithTag(TestDb db, string tag, int u) =>
        db.RawPhotos.Where(p => p.UserId == u && db.RawTags.Any(t => t.PhotoId == p.Id && t.Name == tag)).Expression;

    private static Expression Conditional(TestDb db, bool pick, int a, int b) => db.RawPhotos.Where(p => p.UserId == (pick ? a : b)).Expression;

    private static Expression ByUser(TestDb db, User user) => db.RawPhotos.Where(p => p.User == user).Expression;

    private static void AssertSame(QueryAnalysis expected, QueryAnalysis actual)
    {
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Groups.Count, actual.Groups.Count);
        for (var g = 0; g < expected.Groups.Count; g++)
        {
            var (e, a) = (expected.Groups[g], actual.Groups[g]);
            Assert.Same(e.Table, a.Table);
            Assert.Equal(e.Columns, a.Columns);
            Assert.Equal(e.ReadMask, a.ReadMask);
            Assert.Equal(e.Tuples.Count, a.Tuples.Count);
            for (var t = 0; t < e.Tuples.Count; t++)
            {
                Assert.Equal(e.Tuples[t], a.Tuples[t]);
            }
        }
    }
}

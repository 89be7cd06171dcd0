using System.Linq.Expressions;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Interceptors;
using LinqToDB.Internal.Linq;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Compiled;

/// <summary>
/// The miss of a compiled cached query runs its inner query through linq2db's own <see cref="CompiledQuery"/> (translated
/// once, not per call), inside the unchanged protocol: the same answers, exceptions, invalidation and bypasses as before.
/// </summary>
/// <remarks>
/// linq2db's ordinary path looks every query up in its query cache of the result type (<see cref="Query{T}"/>), counting a
/// miss there when it translates a new shape; a <see cref="CompiledQuery"/> keeps its own translation and never uses that
/// cache. <see cref="MissPhoto"/> is read by these tests only, so an unchanged <c>Query&lt;MissPhoto&gt;.CacheMissCount</c>
/// over every call (the first included) proves the misses ran through the compiled delegate; the expression path of
/// before counted the first translation of each configuration.
/// </remarks>
public sealed class CompiledMissTests
{
    private static readonly Func<DataConnection, int, MissPhoto?> MissById =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<MissPhoto>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, int, List<MissPhoto>> MissesOf =
        CacheBotQuery.Compile((DataConnection db, int u, int s) => db.GetTable<MissPhoto>().Where(p => p.UserId == u && p.Status == s).OrderBy(p => p.Id));

    private static readonly Func<DataConnection, int, CancellationToken, Task<MissPhoto?>> MissByIdAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int id) => db.GetTable<MissPhoto>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, CancellationToken, Task<List<MissPhoto>>> MissesOfUserAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int u) => db.GetTable<MissPhoto>().Where(p => p.UserId == u));

    private static readonly Func<DataConnection, int, List<MissPhoto>> MissesNeverCachedOf =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<MissPhoto>().NoCache().Where(p => p.UserId == u));

    private static readonly Func<DataConnection, int, Photo?> PhotoById =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, Photo> PhotoByIdOrThrow =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    private static readonly Func<DataConnection, int, CancellationToken, Task<Photo>> PhotoByIdOrThrowAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    private static readonly Func<DataConnection, int, int, int, int, CancellationToken, Task<int>> CountBetweenAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int u, int s, int low, int high) =>
            db.GetTable<Photo>().Count(p => p.UserId == u && p.Status == s && p.Id >= low && p.Id <= high));

    private static readonly Func<DataConnection, int, CancellationToken, Task<Photo>> NthPhotoAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int n) => db.GetTable<Photo>().OrderBy(p => p.Id).ElementAt(n));

    private static readonly Func<DataConnection, int, List<Photo>> WithUserOf =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().LoadWith(p => p.User).Where(p => p.UserId == u).OrderBy(p => p.Id));

    private static readonly Func<DataConnection, List<int>, List<Photo>> PhotosIn =
        CacheBotQuery.Compile((DataConnection db, List<int> ids) => db.GetTable<Photo>().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id));

    private static readonly Func<DataConnection, string?, int> CountTitled =
        CacheBotQuery.Compile((DataConnection db, string? title) => db.GetTable<Photo>().Count(p => p.Title == title));

    private static readonly Func<DataConnection, int, Photo> Linq2DbFirst =
        CompiledQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().First(p => p.Id == id));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Misses_RunThroughLinq2DbsCompiledQuery_OneCommandEach(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;
        var translations = Query<MissPhoto>.CacheMissCount;

        for (var id = 1; id <= 4; id++)
        {
            Assert.Equal($"p{id}", MissById(db, id)!.Title);
            Assert.Equal($"p{id}", (await MissByIdAsync(db, id, ct))!.Title);
        }

        Assert.Null(MissById(db, 99));
        Assert.Equal(new[] { 1, 7 }, MissesOf(db, 1, 1).Select(p => p.Id));
        Assert.Equal(new[] { 2, 8 }, MissesOf(db, 2, 0).Select(p => p.Id));
        Assert.Equal(new[] { 3, 6, 9, 12 }, (await MissesOfUserAsync(db, 3, ct)).Select(p => p.Id).Order());

        Assert.Equal(12, test.Cache.Statistics.Misses);
        Assert.Equal(translations, Query<MissPhoto>.CacheMissCount);
        Assert.Equal(12, test.Counter.Total);
        Assert.Equal(5, test.Counter.AsyncReaders);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AQueryExpressionInterceptor_StillSeesEveryMiss(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        var interceptor = new TranslationCounter();
        using var db = new DataConnection(test.Options.UseInterceptor(interceptor));

        Assert.Equal("p1", PhotoById(db, 1)!.Title);
        Assert.Equal("p2", PhotoById(db, 2)!.Title);
        Assert.Equal("p2", PhotoById(db, 2)!.Title);

        Assert.True(interceptor.Count >= 2, $"the interceptor saw {interceptor.Count} queries for 2 misses");
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SameCompiledQuery_OtherValues_AnswersAndInvalidationPerValue(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        Assert.Equal("p1", PhotoById(db, 1)!.Title);
        Assert.Equal("p2", PhotoById(db, 2)!.Title);
        Assert.Null(PhotoById(db, 99));

        db.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Title, "one").Update();
        var hits = test.Cache.Statistics.Hits;
        var misses = test.Cache.Statistics.Misses;

        Assert.Equal("one", PhotoById(db, 1)!.Title);
        Assert.Equal("p2", PhotoById(db, 2)!.Title);
        Assert.Null(PhotoById(db, 99));
        Assert.Equal(misses + 1, test.Cache.Statistics.Misses); // only the call with 1 read the row written
        Assert.Equal(hits + 2, test.Cache.Statistics.Hits);

        db.Execute("INSERT INTO \"Photo\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (99, 1, 1, 'arrived')");
        Assert.Equal("arrived", PhotoById(db, 99)!.Title);
        Assert.Equal("one", PhotoById(db, 1)!.Title);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FirstOnNoRows_ThrowsWhatLinq2DbThrows_AndCachesNothing(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        using var plain = new DataConnection(test.PlainOptions);

        var expected = Assert.Throws<InvalidOperationException>(() => Linq2DbFirst(plain, 500));
        var sync = Assert.Throws<InvalidOperationException>(() => PhotoByIdOrThrow(db, 500));
        var async = await Assert.ThrowsAsync<InvalidOperationException>(() => PhotoByIdOrThrowAsync(db, 500, TestContext.Current.CancellationToken));

        Assert.Equal(expected.Message, sync.Message);
        Assert.Equal(expected.Message, async.Message);
        Assert.Equal(0, test.Cache.Statistics.Stores);
        Assert.Equal("p5", PhotoByIdOrThrow(db, 5).Title);
        Assert.Equal("p5", (await PhotoByIdOrThrowAsync(db, 5, TestContext.Current.CancellationToken)).Title);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FourParametersAsync_AndAnAsyncTerminalLinq2DbCannotCompile_GiveTheRightAnswers(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        using var plain = new DataConnection(test.PlainOptions);
        var ct = TestContext.Current.CancellationToken;

        var expectedCount = plain.GetTable<Photo>().Count(p => p.UserId == 1 && p.Status == 1 && p.Id >= 1 && p.Id <= 10);
        Assert.Equal(expectedCount, await CountBetweenAsync(db, 1, 1, 1, 10, ct));
        Assert.Equal(expectedCount, await CountBetweenAsync(db, 1, 1, 1, 10, ct));
        Assert.Equal("p3", (await NthPhotoAsync(db, 2, ct)).Title); // ElementAt has no async twin in linq2db: the expression path
        Assert.Equal("p4", (await NthPhotoAsync(db, 3, ct)).Title);
        Assert.Equal("p4", (await NthPhotoAsync(db, 3, ct)).Title);
        Assert.Equal(2, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LoadWith_LoadsTheAssociationOnTheMissAndTheHit(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        using var plain = new DataConnection(test.PlainOptions);
        var expected = plain.GetTable<Photo>().LoadWith(p => p.User).Where(p => p.UserId == 2).OrderBy(p => p.Id).ToList();

        var miss = WithUserOf(db, 2);
        var hit = WithUserOf(db, 2);

        Assert.Equal(expected.Select(p => (p.Id, p.User.Name)), miss.Select(p => (p.Id, p.User.Name)));
        Assert.Equal(expected.Select(p => (p.Id, p.User.Name)), hit.Select(p => (p.Id, p.User.Name)));
        Assert.Equal(1, test.Cache.Statistics.Hits);
        db.GetTable<User>().Where(u => u.Id == 2).Set(u => u.Name, "robert").Update();
        Assert.All(WithUserOf(db, 2), p => Assert.Equal("robert", p.User.Name));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TransactionAndNoCache_RunThroughTheCompiledQuery_Uncached(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var translations = Query<MissPhoto>.CacheMissCount;

        Assert.Equal(4, MissesNeverCachedOf(db, 1).Count);
        Assert.Equal(4, MissesNeverCachedOf(db, 1).Count);
        Assert.Equal(2, test.Counter.Total);
        using (var transaction = db.BeginTransaction())
        {
            db.GetTable<Photo>().Where(p => p.Id == 3).Set(p => p.Title, "in tx").Update();
            test.Counter.Reset();
            Assert.Equal("in tx", MissById(db, 3)!.Title);
            Assert.Equal("in tx", MissById(db, 3)!.Title);
            Assert.Equal(2, test.Counter.Total);
            transaction.Rollback();
        }

        Assert.Equal("p3", MissById(db, 3)!.Title);
        Assert.Equal(translations, Query<MissPhoto>.CacheMissCount);
        Assert.Equal(0, test.Cache.Statistics.Hits);
        Assert.Equal(1, test.Cache.Statistics.Misses);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ValuesThatChangeTheSql_ListsAndNull_GiveEachCallsAnswer(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        Assert.Equal(new[] { 1, 2 }, PhotosIn(db, [1, 2]).Select(p => p.Id));
        Assert.Equal(new[] { 3, 4, 5 }, PhotosIn(db, [3, 4, 5]).Select(p => p.Id));
        Assert.Empty(PhotosIn(db, []));
        Assert.Equal(new[] { 1, 2 }, PhotosIn(db, [1, 2]).Select(p => p.Id));

        Assert.Equal(1, CountTitled(db, "p3"));
        Assert.Equal(0, CountTitled(db, null));
        Assert.Equal(1, CountTitled(db, "p4"));
        db.Execute("UPDATE \"Photo\" SET \"Title\" = 'p3' WHERE \"Id\" = 4");
        Assert.Equal(2, CountTitled(db, "p3"));
        Assert.Equal(0, CountTitled(db, "p4"));
    }

    /// <summary>Counts the expressions linq2db takes for translation.</summary>
    private sealed class TranslationCounter : IQueryExpressionInterceptor
    {
        public int Count { get; set; }

        public Expression ProcessExpression(Expression expression, QueryExpressionArgs args)
        {
            Count++;
            return expression;
        }
    }
}

/// <summary>The <c>Photo</c> table under a type only <see cref="CompiledMissTests"/> reads (its linq2db query cache counts are theirs alone).</summary>
[Table("Photo")]
public sealed class MissPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = string.Empty;
}

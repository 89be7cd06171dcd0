using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Compiled;

/// <summary>
/// Compiled cached queries (<see cref="CacheBotQuery"/>) on SQLite and PostgreSQL: results of every shape and arity, hits
/// after misses without a database command, and invalidation by the same writes as the equivalent <c>AsCacheBot()</c> query.
/// </summary>
public sealed class CompiledQueryTests
{
    private static readonly Func<DataConnection, int> CountAll =
        CacheBotQuery.Compile((DataConnection db) => db.GetTable<Photo>().Count());

    private static readonly Func<DataConnection, int, Photo?> PhotoById =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, int, List<Photo>> PhotosOf =
        CacheBotQuery.Compile((DataConnection db, int u, int s) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s).OrderBy(p => p.Id));

    private static readonly Func<DataConnection, int, int, int, List<string>> TitlesBetween =
        CacheBotQuery.Compile((DataConnection db, int u, int low, int high) =>
            db.GetTable<Photo>().Where(p => p.UserId == u && p.Id >= low && p.Id <= high).OrderBy(p => p.Id).Select(p => p.Title));

    private static readonly Func<DataConnection, int, int, string, int, bool> AnyMatching =
        CacheBotQuery.Compile((DataConnection db, int u, int s, string title, int notId) =>
            db.GetTable<Photo>().Any(p => p.UserId == u && p.Status == s && p.Title == title && p.Id != notId));

    private static readonly Func<DataConnection, int, CancellationToken, Task<Photo?>> PhotoByIdAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, int, CancellationToken, Task<List<Photo>>> PhotosOfAsync =
        CacheBotQuery.CompileAsync((DataConnection db, int u, int s) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == s));

    private static readonly Func<DataConnection, CancellationToken, Task<int>> CountAllAsync =
        CacheBotQuery.CompileAsync((DataConnection db) => db.GetTable<Photo>().Count());

    private static readonly Func<DataConnection, int, List<PhotoTitle>> ProjectionOf =
        CacheBotQuery.Compile((DataConnection db, int u) =>
            db.GetTable<Photo>().Where(p => p.UserId == u).OrderBy(p => p.Id).Select(p => new PhotoTitle { Id = p.Id, Title = p.Title }));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EveryArity_SecondCallIsAHitWithoutACommand(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var first = (CountAll(db), PhotoById(db, 4)?.Title, PhotosOf(db, 1, 1).Select(p => p.Id).ToArray(),
            TitlesBetween(db, 1, 1, 7).ToArray(), AnyMatching(db, 1, 0, "p4", 99));
        Assert.Equal(5, test.Cache.Statistics.Misses);
        test.Counter.Reset();

        var second = (CountAll(db), PhotoById(db, 4)?.Title, PhotosOf(db, 1, 1).Select(p => p.Id).ToArray(),
            TitlesBetween(db, 1, 1, 7).ToArray(), AnyMatching(db, 1, 0, "p4", 99));

        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(5, test.Cache.Statistics.Hits);
        Assert.Equal(12, second.Item1);
        Assert.Equal("p4", second.Item2);
        Assert.Equal(new[] { 1, 7 }, second.Item3);
        Assert.Equal(new[] { "p1", "p4", "p7" }, second.Item4);
        Assert.True(second.Item5);
        Assert.Equal(first.Item1, second.Item1);
        Assert.Equal(first.Item3, second.Item3);
        Assert.Equal(first.Item4, second.Item4);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OtherParameterValues_AreOtherEntries(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        Assert.Equal("p4", PhotoById(db, 4)!.Title);
        Assert.Equal("p5", PhotoById(db, 5)!.Title);
        Assert.Null(PhotoById(db, 500));
        Assert.Null(PhotoById(db, 500));

        Assert.Equal(3, test.Cache.Statistics.Misses);
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Async_HitsAfterMissAndMatchesSync(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var photo = await PhotoByIdAsync(db, 3, ct);
        var list = await PhotosOfAsync(db, 2, 0, ct);
        var count = await CountAllAsync(db, ct);
        Assert.True(test.Counter.AsyncReaders >= 3);
        test.Counter.Reset();

        Assert.Equal(photo!.Title, (await PhotoByIdAsync(db, 3, ct))!.Title);
        Assert.Equal(list.Select(p => p.Id), (await PhotosOfAsync(db, 2, 0, ct)).Select(p => p.Id));
        Assert.Equal(count, await CountAllAsync(db, ct));
        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(3, test.Cache.Statistics.Hits);
        Assert.Equal(new[] { 2, 8 }, list.Select(p => p.Id).Order());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Projection_IsCachedAndCopied(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        var first = ProjectionOf(db, 3);
        first[0].Title = "changed";
        var second = ProjectionOf(db, 3);

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(new[] { "p3", "p6", "p9", "p12" }, second.Select(p => p.Title));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MutatingAReturnedEntity_DoesNotChangeTheNextHit(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();

        PhotoById(db, 2)!.Title = "mutated miss";
        var hit = PhotoById(db, 2)!;
        hit.Title = "mutated hit";
        PhotosOf(db, 1, 1)[0].Title = "mutated list";

        Assert.Equal("p2", PhotoById(db, 2)!.Title);
        Assert.Equal("p1", PhotosOf(db, 1, 1)[0].Title);
        Assert.Equal(3, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EntityUpdate_InvalidatesTheGetAndTheList(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        Assert.Equal("p1", PhotoById(db, 1)!.Title);
        Assert.Equal(new[] { 1, 7 }, PhotosOf(db, 1, 1).Select(p => p.Id));

        var photo = db.GetTable<Photo>().First(p => p.Id == 1);
        photo.Title = "new";
        photo.Status = 0;
        db.Update(photo);

        Assert.Equal("new", PhotoById(db, 1)!.Title);
        Assert.Equal(new[] { 7 }, PhotosOf(db, 1, 1).Select(p => p.Id));
        Assert.Equal(0, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task LinqDmlAndRawSql_Invalidate(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        Assert.Equal(12, CountAll(db));
        Assert.Equal("p5", PhotoById(db, 5)!.Title);

        db.GetTable<Photo>().Where(p => p.Id == 5).Set(p => p.Title, "dml").Update();
        Assert.Equal("dml", PhotoById(db, 5)!.Title);

        db.Execute("INSERT INTO \"Photo\" (\"Id\", \"UserId\", \"Status\", \"Title\") VALUES (50, 1, 1, 'raw')");
        Assert.Equal(13, CountAll(db));
        db.Execute("UPDATE \"Photo\" SET \"Title\" = 'raw5' WHERE \"Id\" = 5");
        Assert.Equal("raw5", PhotoById(db, 5)!.Title);
        Assert.Equal(0, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UnrelatedRowWrite_KeepsTheEntryLikeAsCacheBot(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        PhotoById(db, 1);
        PhotosOf(db, 1, 1);
        db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1);
        db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Status == 1).ToList();

        var other = db.GetTable<Photo>().First(p => p.Id == 2); // user 2, status 0
        other.Title = "elsewhere";
        db.Update(other);
        var hitsBefore = test.Cache.Statistics.Hits;

        PhotoById(db, 1);
        PhotosOf(db, 1, 1);
        db.GetTable<Photo>().AsCacheBot().First(p => p.Id == 1);
        db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Status == 1).ToList();

        Assert.Equal(hitsBefore + 4, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task InsideATransaction_BypassesAndSeesTheCommittedWriteAfter(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        Assert.Equal("p6", PhotoById(db, 6)!.Title);

        using (var transaction = db.BeginTransaction())
        {
            db.GetTable<Photo>().Where(p => p.Id == 6).Set(p => p.Title, "in tx").Update();
            Assert.Equal("in tx", PhotoById(db, 6)!.Title); // no stale read of the cached "p6"
            Assert.True(test.Cache.Statistics.Bypasses >= 1);
            transaction.Commit();
        }

        Assert.Equal("in tx", PhotoById(db, 6)!.Title);
        Assert.Equal("in tx", PhotoById(db, 6)!.Title);
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RolledBackTransaction_LeavesTheCachedValue(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        Assert.Equal("p6", PhotoById(db, 6)!.Title);

        using (db.BeginTransaction())
        {
            db.GetTable<Photo>().Where(p => p.Id == 6).Set(p => p.Title, "rolled back").Update();
        }

        Assert.Equal("p6", PhotoById(db, 6)!.Title);
    }

    public sealed class PhotoTitle
    {
        public int Id { get; set; }

        public string Title { get; set; } = string.Empty;
    }
}

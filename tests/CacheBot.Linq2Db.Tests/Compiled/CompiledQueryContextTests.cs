using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Compiled;

/// <summary>
/// The rules around a compiled query's call: the context it needs, the databases it keys apart, the markers inside its body,
/// and bodies whose values do not all come from the parameters (captured variables, context members).
/// </summary>
public sealed class CompiledQueryContextTests
{
    private static readonly Func<DataConnection, int, Photo?> PhotoById =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, List<Photo>> NeverCached =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().NoCache().Where(p => p.UserId == u));

    private static readonly Func<DataConnection, int, List<Photo>> CachedByUserPath =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().Cache(p => p.User).Where(p => p.UserId == u && p.Status == 1));

    private static readonly Func<DataConnection, int, int> CountWithTtl =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().Cache(new CacheQueryOptions { TimeToLive = TimeSpan.FromMinutes(5) }).Count(p => p.UserId == u));

    private static readonly Func<DataConnection, Point, int> CountByStruct =
        CacheBotQuery.Compile((DataConnection db, Point point) => db.GetTable<Photo>().Count(p => p.UserId == point.X));

    private static readonly Func<DataConnection, Labelled, int> CountByLabelled =
        CacheBotQuery.Compile((DataConnection db, Labelled value) => db.GetTable<Photo>().Count(p => p.UserId == value.X));

    private static readonly Func<DataConnection, List<int>, List<Photo>> PhotosIn =
        CacheBotQuery.Compile((DataConnection db, List<int> ids) => db.GetTable<Photo>().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id));

    [Fact]
    public async Task ContextWithoutUseCacheBot_ThrowsActionableCacheBotException()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = new DataConnection(test.PlainOptions);

        var error = Assert.Throws<CacheBotException>(() => PhotoById(db, 1));

        Assert.Contains("UseCacheBot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BodyReturningAnUnexecutedTable_IsRefusedWhenCompiled()
    {
        var error = Assert.Throws<ArgumentException>(() => CacheBotQuery.Compile((DataConnection db) => db.GetTable<Photo>()));

        Assert.Contains("IQueryable<T>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheArgumentsDependingOnAParameter_AreRefusedWhenCompiled() =>
        Assert.Throws<ArgumentException>(() => CacheBotQuery.Compile((DataConnection db, string path) => db.GetTable<Photo>().Cache(path).Count()));

    [Fact]
    public async Task TwoDatabases_DoNotShareEntries()
    {
        var cache = new QueryCache(new QueryCacheOptions());
        await using var first = await TestDb.CreateAsync("sqlite", cache);
        await using var second = await TestDb.CreateAsync("sqlite", cache);
        using var db1 = first.Open();
        using var db2 = second.Open();
        db2.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Title, "second db").Update();

        Assert.Equal("p1", PhotoById(db1, 1)!.Title);
        Assert.Equal("second db", PhotoById(db2, 1)!.Title);
        Assert.Equal("p1", PhotoById(db1, 1)!.Title);
        Assert.Equal("second db", PhotoById(db2, 1)!.Title);
        Assert.Equal(2, cache.Statistics.Hits);
        cache.Dispose();
    }

    [Fact]
    public async Task TwoConnectionsToOneDatabase_ShareEntries()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db1 = test.Open();
        using var db2 = test.Open();

        PhotoById(db1, 3);
        test.Counter.Reset();
        Assert.Equal("p3", PhotoById(db2, 3)!.Title);

        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Fact]
    public async Task NoCacheInsideTheBody_NeverCaches()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();

        NeverCached(db, 1);
        NeverCached(db, 1);

        Assert.Equal(0, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Cache.Statistics.Stores);
    }

    [Fact]
    public async Task CachePathsAndOptionsInsideTheBody_AreHonoured()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        Assert.Equal(new[] { 1, 7 }, CachedByUserPath(db, 1).Select(p => p.Id).Order());
        Assert.Equal(4, CountWithTtl(db, 1));

        // Cache(p => p.User): the list depends on the user only, so a write to another row of user 1 invalidates it. The
        // count reads no Title: the same write keeps it (column-aware invalidation).
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Title, "x").Update();
        CachedByUserPath(db, 1);
        Assert.Equal(4, CountWithTtl(db, 1));

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(3, test.Cache.Statistics.Misses);
    }

    [Fact]
    public async Task CapturedVariable_IsReadAtEachCall()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var status = 1;
        var query = CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().Where(p => p.UserId == u && p.Status == status).OrderBy(p => p.Id));

        Assert.Equal(new[] { 1, 7 }, query(db, 1).Select(p => p.Id));
        status = 0;
        Assert.Equal(new[] { 4, 10 }, query(db, 1).Select(p => p.Id));
        status = 1;
        Assert.Equal(new[] { 1, 7 }, query(db, 1).Select(p => p.Id));

        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Fact]
    public async Task ContextMemberInTheBody_IsReadAtEachCall()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var alice = new UserScopedDb(test.Options, 1);
        using var bob = new UserScopedDb(test.Options, 2);
        var query = CacheBotQuery.Compile((UserScopedDb db) => db.GetTable<Photo>().Count(p => p.UserId == db.UserId));

        Assert.Equal(4, query(alice));
        db2Update(bob);
        Assert.Equal(3, query(bob));
        Assert.Equal(4, query(alice));
        Assert.Equal(3, query(bob));
        Assert.Equal(2, test.Cache.Statistics.Hits);

        static void db2Update(UserScopedDb db) => db.GetTable<Photo>().Where(p => p.Id == 2).Delete();
    }

    [Fact]
    public async Task StructParameter_IsKeyedByItsWholeValue()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        db.GetTable<Photo>().Where(p => p.Id == 2).Delete();

        Assert.Equal(4, CountByStruct(db, new Point(1, 0)));
        Assert.Equal(4, CountByStruct(db, new Point(1, 0)));
        Assert.Equal(4, CountByStruct(db, new Point(1, 5))); // another value: another entry (never a wrong one)
        Assert.Equal(3, CountByStruct(db, new Point(2, 0)));

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(3, test.Cache.Statistics.Misses);
    }

    [Fact]
    public async Task ParameterOfAStructTheKeyCannotHash_IsKeyedByTheValuesTheBodyReads()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        db.GetTable<Photo>().Where(p => p.Id == 2).Delete();

        // A struct holding a reference has unknown equality: the call takes the expression path, which keys value.X.
        Assert.Equal(4, CountByLabelled(db, new Labelled(1, "a")));
        Assert.Equal(4, CountByLabelled(db, new Labelled(1, "b")));
        Assert.Equal(3, CountByLabelled(db, new Labelled(2, "a")));

        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(2, test.Cache.Statistics.Misses);
    }

    [Fact]
    public async Task CollectionParameter_IsKeyedByItsContents()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var ids = new List<int> { 1, 2 };

        Assert.Equal(new[] { 1, 2 }, PhotosIn(db, ids).Select(p => p.Id));
        ids.Add(3);
        Assert.Equal(new[] { 1, 2, 3 }, PhotosIn(db, ids).Select(p => p.Id));
        Assert.Equal(new[] { 1, 2, 3 }, PhotosIn(db, [1, 2, 3]).Select(p => p.Id));

        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Fact]
    public async Task WriteScope_Bypasses()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        PhotoById(db, 1);

        using (test.Cache.BeginWriteScope())
        {
            PhotoById(db, 1);
        }

        Assert.Equal(0, test.Cache.Statistics.Hits);
        Assert.Equal(1, test.Cache.Statistics.Bypasses);
    }

    public readonly record struct Point(int X, int Y);

    public readonly record struct Labelled(int X, string Label);

    public sealed class UserScopedDb(DataOptions options, int userId) : DataConnection(options)
    {
        public int UserId { get; } = userId;
    }
}

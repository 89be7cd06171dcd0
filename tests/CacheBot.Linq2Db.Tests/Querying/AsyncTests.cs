using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Async;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>linq2db's async operators on a CacheBot query do real async I/O on a miss (async ADO.NET calls, no sync reader).</summary>
public sealed class AsyncTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ToListAsync_OnMiss_UsesAsyncReaderOnly_ThenHits(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var first = await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToListAsync(ct);

        Assert.Equal(4, first.Count);
        Assert.Equal(1, test.Counter.AsyncReaders);
        Assert.Equal(0, test.Counter.SyncCommands);

        test.Counter.Reset();
        var second = await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 1).ToListAsync(ct);
        Assert.Equal(4, second.Count);
        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FirstAsyncAndCountAsync_OnMiss_UseAsyncCommandsOnly(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var photo = await db.GetTable<Photo>().AsCacheBot().FirstAsync(p => p.Id == 5, ct);
        var count = await db.GetTable<Photo>().AsCacheBot().Cache().CountAsync(p => p.Status == 0, ct);
        var any = await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).AnyAsync(ct);

        Assert.Equal("p5", photo.Title);
        Assert.Equal(6, count);
        Assert.True(any);
        Assert.Equal(3, test.Counter.AsyncCommands);
        Assert.Equal(0, test.Counter.SyncCommands);

        test.Counter.Reset();
        Assert.Equal("p5", (await db.GetTable<Photo>().AsCacheBot().FirstAsync(p => p.Id == 5, ct)).Title);
        Assert.Equal(6, await db.GetTable<Photo>().AsCacheBot().Cache().CountAsync(p => p.Status == 0, ct));
        Assert.Equal(0, test.Counter.Total);
        Assert.Equal(2, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ToArrayDictionaryForEachAsync_OnMiss_UseAsyncReaderOnly(string provider)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var array = await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 2).ToArrayAsync(ct);
        var byId = await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == 3).ToDictionaryAsync(p => p.Id, ct);
        var titles = new List<string>();
        await db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Status == 1).ForEachAsync(p => titles.Add(p.Title), ct);
        var streamed = new List<int>();
        await foreach (var p in AsyncExtensions.AsAsyncEnumerable(db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.Id < 3)).WithCancellation(ct))
        {
            streamed.Add(p.Id);
        }

        Assert.Equal(4, array.Length);
        Assert.Equal(4, byId.Count);
        Assert.Equal(6, titles.Count);
        Assert.Equal(new[] { 1, 2 }, streamed.Order());
        Assert.Equal(4, test.Counter.AsyncReaders);
        Assert.Equal(0, test.Counter.SyncCommands);
    }

    [Fact]
    public async Task PlainLinq2DbQuery_ToListAsync_StillWorksWithTheAdapterInstalled()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        await using var db = test.Open();
        var ct = TestContext.Current.CancellationToken;

        var plain = await db.GetTable<Photo>().Where(p => p.UserId == 1).ToListAsync(ct);
        var objects = await new[] { 3, 1, 2 }.AsQueryable().OrderBy(x => x).ToListAsync(ct);

        Assert.Equal(4, plain.Count);
        Assert.Equal(new[] { 1, 2, 3 }, objects);
        Assert.IsType<Linq2Db.Querying.CacheBotExtensionsAdapter>(LinqExtensions.ExtensionsAdapter);
        Assert.Equal(0, test.Cache.Statistics.Misses + test.Cache.Statistics.Hits);
    }

    [Fact]
    public void Install_CalledTwice_KeepsOneAdapterInTheChain()
    {
        Linq2Db.Querying.CacheBotExtensionsAdapter.Install();
        var installed = LinqExtensions.ExtensionsAdapter;
        Linq2Db.Querying.CacheBotExtensionsAdapter.Install();

        var adapter = Assert.IsType<Linq2Db.Querying.CacheBotExtensionsAdapter>(LinqExtensions.ExtensionsAdapter);
        Assert.Same(installed, adapter);
        Assert.IsNotType<Linq2Db.Querying.CacheBotExtensionsAdapter>(adapter.Previous);
    }
}

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>Runs a cached read and asserts whether it was served from the cache (the test's cache statistics tell).</summary>
internal static class HitOrMiss
{
    public static async Task<T> Hit<T>(TestDb test, Func<Task<T>> read) => await Expect(test, read, hit: true);

    public static async Task<T> Miss<T>(TestDb test, Func<Task<T>> read) => await Expect(test, read, hit: false);

    private static async Task<T> Expect<T>(TestDb test, Func<Task<T>> read, bool hit)
    {
        var hits = test.Cache.Statistics.Hits;
        var result = await read();
        Assert.Equal(hit, test.Cache.Statistics.Hits > hits);
        return result;
    }
}

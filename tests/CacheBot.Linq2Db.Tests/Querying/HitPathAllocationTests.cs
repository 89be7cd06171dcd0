using System.Linq.Expressions;
using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// The ordinary hit path (<c>AsCacheBot()</c>, key walk, checks, probe) allocates nothing of its own once the query's tree
/// exists: executing a prebuilt tree on a hit allocates exactly the copy on read. Application code still pays for building
/// the tree and for <c>AsCacheBot()</c>; this pins what happens after that.
/// </summary>
public sealed class HitPathAllocationTests
{
    [Fact]
    public async Task PrebuiltGetTree_Hit_AllocatesTheCopyOnly()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var source = db.GetTable<Photo>().AsCacheBot();
        var id = 1;
        var tree = FirstTree(source, id);
        var expected = source.Provider.Execute<Photo>(tree); // miss: fills the entry
        var hits = test.Cache.Statistics.Hits;

        var copySize = Bytes(() => Linq.Querying.ResultCopier.Copy(expected));
        var hitSize = Bytes(() => source.Provider.Execute<Photo>(tree));

        Assert.True(test.Cache.Statistics.Hits > hits + 100, "the measured calls were not hits");
        Assert.Equal(copySize, hitSize);
        Assert.Equal(expected.Title, source.Provider.Execute<Photo>(tree).Title);
        Assert.NotSame(expected, source.Provider.Execute<Photo>(tree));
    }

    [Fact]
    public async Task PrebuiltListTree_Hit_AllocatesTheListAndCopiesOnly()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var userId = 1;
        var query = db.GetTable<Photo>().AsCacheBot().Cache().Where(p => p.UserId == userId);
        var rows = query.ToList(); // miss: fills the entry
        Assert.NotEmpty(rows);
        var hits = test.Cache.Statistics.Hits;

        var copiesSize = Bytes(() => Linq.Querying.ResultCopier.CopyList(rows.ToArray())) - Bytes(() => rows.ToArray());
        // The sequence path itself (Enumerable.ToList over the queryable adds its own list and a boxed enumerator on top).
        var context = ((Linq.Providers.ICacheBotQueryable)query).Context;
        var hitSize = Bytes(() => Linq.Providers.SyncPath.Result(context.ExecuteCachedSequenceAsync<Photo>(query.Expression, async: false, CancellationToken.None)));

        Assert.True(test.Cache.Statistics.Hits > hits + 100, "the measured calls were not hits");
        Assert.Equal(copiesSize, hitSize);
    }

    private static MethodCallExpression FirstTree(IQueryable<Photo> source, int id)
    {
        Expression<Func<Photo, bool>> predicate = p => p.Id == id;
        var first = typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.First) && m.GetParameters().Length == 2)
            .MakeGenericMethod(typeof(Photo));
        return Expression.Call(first, source.Expression, Expression.Quote(predicate));
    }

    /// <summary>The fewest bytes one call allocated, over several rounds (a one-off allocation elsewhere must not count).</summary>
    private static long Bytes<T>(Func<T> call)
    {
        for (var i = 0; i < 50; i++)
        {
            call();
        }

        var fewest = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                GC.KeepAlive(call());
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / 100);
        }

        return fewest;
    }
}

using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Compiled;

/// <summary>
/// A compiled query's hit allocates nothing beyond the returned copy: no expression, no key object, no linq2db query. A
/// scalar <see cref="int"/> hit allocates nothing at all; an entity or list hit exactly what the copy on read allocates.
/// </summary>
public sealed class CompiledHitAllocationTests
{
    private static readonly Func<DataConnection, int, int> CountOfUser =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().Count(p => p.UserId == u));

    private static readonly Func<DataConnection, int, string, int> CountOfUserAndTitle =
        CacheBotQuery.Compile((DataConnection db, int u, string title) => db.GetTable<Photo>().Count(p => p.UserId == u && p.Title != title));

    private static readonly Func<DataConnection, int, Photo?> PhotoById =
        CacheBotQuery.Compile((DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id));

    private static readonly Func<DataConnection, int, List<Photo>> PhotosOf =
        CacheBotQuery.Compile((DataConnection db, int u) => db.GetTable<Photo>().Where(p => p.UserId == u));

    [Fact]
    public async Task ScalarIntHit_AllocatesNothing()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();

        Assert.Equal(0, Allocated(() => CountOfUser(db, 1), expected: 4));
        Assert.Equal(0, Allocated(() => CountOfUserAndTitle(db, 1, "p1"), expected: 3));
    }

    [Fact]
    public async Task EntityHit_AllocatesTheCopyOnly()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var photo = PhotoById(db, 1)!;
        var copySize = CopySize(() => Linq.Querying.ResultCopier.Copy(photo)); // the copy on read itself (Photo's graph: its Tags list)

        Assert.Equal(copySize, Allocated(() => PhotoById(db, 1)!.Id, expected: 1));
    }

    [Fact]
    public async Task ListHit_AllocatesTheListAndTheCopiesOnly()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var rows = PhotosOf(db, 1).ToArray();
        var copiesSize = CopySize(() => Linq.Querying.ResultCopier.CopyList(rows)); // the list and its copies

        Assert.Equal(copiesSize, Allocated(() => PhotosOf(db, 1).Count, expected: 4));
    }

    /// <summary>The fewest bytes one call allocated, over several rounds (a one-off allocation elsewhere must not count).</summary>
    private static long Allocated(Func<int> call, int expected)
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(expected, call());
        }

        var fewest = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                call();
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / 100);
        }

        return fewest;
    }

    private static long CopySize<T>(Func<T> make)
    {
        make();
        var fewest = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                make();
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / 100);
        }

        return fewest;
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Redis.Worker;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Redis.Tests.Coordination;

/// <summary>
/// Dependencies an answer narrows itself (the one matching row that witnesses <c>Any</c>, the found row of a get by the
/// primary key, the rows of a window, the blocks of a range, the keys a filtered window's key query read) are registered by the reading process only: a write committed through another
/// process that registered none of them must still reach them (two caches on one Redis stand for two processes).
/// Seed: photos 1..12, <c>UserId = Id % 3</c>, <c>Status = Id % 2</c>.
/// </summary>
public sealed class AnswerKeyTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void AnyWitness_RemovedOrChangedThroughAnotherProcess_IsSeen(string provider)
    {
        using var test = Processes.Create(provider, "witness");
        bool AnyOfUser1WithStatus1() => test.Reader.GetTable<RPhoto>().AsCacheBot().Cache().Any(p => p.UserId == 1 && p.Status == 1);

        // Matches: photos 1 and 7. Whichever witnesses the answer, both leaving must turn it false.
        Assert.True(AnyOfUser1WithStatus1());
        Assert.True(AnyOfUser1WithStatus1());
        Assert.Equal(1, test.ReaderCache.Statistics.Hits);

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 1).Set(p => p.Status, 0).Update();
        Assert.Equal(test.Truth(db => db.GetTable<RPhoto>().Any(p => p.UserId == 1 && p.Status == 1)), AnyOfUser1WithStatus1());
        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 7).Delete();

        Assert.False(test.Truth(db => db.GetTable<RPhoto>().Any(p => p.UserId == 1 && p.Status == 1)));
        Assert.False(AnyOfUser1WithStatus1());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void UniqueGet_FoundRowsOwnWrite_AndMissingRowsArrival_ThroughAnotherProcess_AreSeen(string provider)
    {
        using var test = Processes.Create(provider, "uniqueget");
        string? Title(int id) => test.Reader.GetTable<RPhoto>().AsCacheBot().Where(p => p.Id == id).SingleOrDefault()?.Title;
        Assert.Equal("t5", Title(5));
        Assert.Null(Title(40));
        Assert.Equal("t5", Title(5));
        Assert.Null(Title(40));
        Assert.Equal(2, test.ReaderCache.Statistics.Hits);

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 5).Set(p => p.Title, "five").Update();
        test.Writer.Insert(new RPhoto { Id = 40, UserId = 1, Status = 0, Title = "t40", IsPublic = true });

        Assert.Equal("five", Title(5));
        Assert.Equal("t40", Title(40));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Window_RowLeavingOrArriving_ThroughAnotherProcess_IsSeen(string provider)
    {
        using var test = Processes.Create(provider, "window");
        List<int> FirstThreeOfUser1() => test.Reader.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.UserId == 1 && p.Id > 0).OrderBy(p => p.Id).Take(3).Select(p => p.Id).ToList();
        Assert.Equal([1, 4, 7], FirstThreeOfUser1());
        Assert.Equal([1, 4, 7], FirstThreeOfUser1());
        Assert.Equal(1, test.ReaderCache.Statistics.Hits);

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 4).Delete();
        Assert.Equal([1, 7, 10], FirstThreeOfUser1());

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 2).Set(p => p.UserId, 1).Update();
        Assert.Equal([1, 2, 7], FirstThreeOfUser1());

        test.Writer.Insert(new RPhoto { Id = 13, UserId = 1, Status = 0, Title = "t13", IsPublic = true });
        Assert.Equal([1, 2, 7], FirstThreeOfUser1());

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 7).Set(p => p.UserId, 2).Update();
        Assert.Equal([1, 2, 10], FirstThreeOfUser1());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void RangeAndWindowBound_ArrivalsThroughAnotherProcess_AreSeen(string provider)
    {
        using var test = Processes.Create(provider, "range");
        var from = 2;
        List<int> ThreeToSix() => test.Reader.GetTable<RPhoto>().AsCacheBot().Cache().Where(p => p.Id > from && p.Id <= from + 4).OrderBy(p => p.Id).Select(p => p.Id).ToList();
        List<int> FirstThree() => test.Reader.GetTable<RPhoto>().AsCacheBot().Cache().OrderBy(p => p.Id).Take(3).Select(p => p.Id).ToList();
        Assert.Equal([3, 4, 5, 6], ThreeToSix());
        Assert.Equal([1, 2, 3], FirstThree());
        Assert.Equal([3, 4, 5, 6], ThreeToSix());
        Assert.Equal(1, test.ReaderCache.Statistics.Hits);

        // Arrivals inside the range and before the window's last key, written through the other cache.
        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 4).Delete();
        Assert.Equal([3, 5, 6], ThreeToSix());
        test.Writer.Insert(new RPhoto { Id = 4, UserId = 1, Status = 0, Title = "four", IsPublic = true });
        test.Writer.Insert(new RPhoto { Id = 0, UserId = 0, Status = 0, Title = "zero", IsPublic = true });
        Assert.Equal([3, 4, 5, 6], ThreeToSix());
        Assert.Equal([0, 1, 2], FirstThree());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void FilteredWindow_RowsOfTheWindowChangingThroughAnotherProcess_AreSeen(string provider)
    {
        using var test = Processes.Create(provider, "filteredwindow");
        List<int> FirstFiveOdd() => test.Reader.GetTable<RPhoto>().AsCacheBot().Cache().OrderBy(p => p.Id).Take(5).Where(p => p.Status == 1).Select(p => p.Id).ToList();
        Assert.Equal([1, 3, 5], FirstFiveOdd());
        Assert.Equal([1, 3, 5], FirstFiveOdd());
        Assert.Equal(1, test.ReaderCache.Statistics.Hits);

        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 2).Set(p => p.Status, 1).Update();
        Assert.Equal([1, 2, 3, 5], FirstFiveOdd());
        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 6).Set(p => p.Status, 1).Update();
        test.Writer.GetTable<RPhoto>().Where(p => p.Id == 4).Delete();
        Assert.Equal([1, 2, 3, 5, 6], FirstFiveOdd());
    }

    /// <summary>A seeded database, and a writer and a reader connection, each through its own cache on one Redis.</summary>
    private sealed class Processes : IDisposable
    {
        private readonly TestDatabase _database;
        private readonly QueryCache _writerCache;

        private Processes(TestDatabase database, string prefix)
        {
            _database = database;
            var redis = TestRedis.Require();
            _writerCache = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
            ReaderCache = new QueryCache(new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = prefix));
            Writer = new DataConnection(database.Options.UseCacheBot(_writerCache));
            Reader = new DataConnection(database.Options.UseCacheBot(ReaderCache));
        }

        public QueryCache ReaderCache { get; }

        public DataConnection Writer { get; }

        public DataConnection Reader { get; }

        public static Processes Create(string provider, string name)
        {
            var database = TestDatabase.Create(provider);
            using (var seed = new DataConnection(database.Options))
            {
                seed.CreateTable<RPhoto>();
                for (var i = 1; i <= 12; i++)
                {
                    seed.Insert(new RPhoto { Id = i, UserId = i % 3, Status = i % 2, Title = "t" + i, IsPublic = true });
                }
            }

            return new Processes(database, TestRedis.UniquePrefix(name));
        }

        /// <summary>The database's answer, read without CacheBot.</summary>
        public T Truth<T>(Func<DataConnection, T> query)
        {
            using var plain = new DataConnection(_database.Options);
            return query(plain);
        }

        public void Dispose()
        {
            Reader.Dispose();
            Writer.Dispose();
            ReaderCache.Dispose();
            _writerCache.Dispose();
            _database.Dispose();
        }
    }
}

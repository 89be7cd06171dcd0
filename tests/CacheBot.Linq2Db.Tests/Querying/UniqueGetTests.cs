using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// A get by a key the database keeps unique (its primary key, read from the catalog) finds at most one row: a found row
/// changes only through its own writes, so rows arriving (even rows CacheBot cannot see, PostgreSQL's binary COPY) leave
/// it cached; a missing row appears only by an arrival. A key the mapping declares but the database does not enforce
/// keeps both directions. Seed: photos 1..12.
/// </summary>
public sealed class UniqueGetTests
{
    public static TheoryData<string, BulkCopyType> Arrivals => new()
    {
        { "sqlite", BulkCopyType.MultipleRows },
        { "postgres", BulkCopyType.MultipleRows },
        { "postgres", BulkCopyType.ProviderSpecific },
    };

    [Theory]
    [MemberData(nameof(Arrivals))]
    public async Task FoundRow_SurvivesArrivals_AndChangesWithItsOwnWrites_MissingRow_AppearsWithItsArrival(string provider, BulkCopyType copy)
    {
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        string? Title(int id) => db.GetTable<Photo>().AsCacheBot().FirstOrDefault(p => p.Id == id)?.Title;
        string? Single(int id) => db.GetTable<Photo>().AsCacheBot().Where(p => p.Id == id).SingleOrDefault()?.Title;

        Assert.Equal("p3", Title(3));
        Assert.Equal("p4", Single(4));
        Assert.Null(Title(40));
        var hits = test.Cache.Statistics.Hits;

        // Rows arriving (one of them the missing key): the found rows stay cached, the missing one is read again.
        db.BulkCopy(new BulkCopyOptions { BulkCopyType = copy }, [new Photo { Id = 40, UserId = 1, Status = 0, Title = "p40" }, new Photo { Id = 41, UserId = 2, Status = 0, Title = "p41" }]);
        Assert.Equal("p3", Title(3));
        Assert.Equal("p4", Single(4));
        Assert.Equal(hits + 2, test.Cache.Statistics.Hits);
        Assert.Equal("p40", Title(40));
        Assert.Equal(hits + 2, test.Cache.Statistics.Hits);

        // The found rows' own writes.
        db.GetTable<Photo>().Where(p => p.Id == 3).Set(p => p.Title, "three").Update();
        Assert.Equal("three", Title(3));
        db.Execute("DELETE FROM \"Photo\" WHERE \"Id\" = 4");
        Assert.Null(Single(4));
        Assert.Equal(hits + 2, test.Cache.Statistics.Hits);

        // And the missing row arriving by an update of another row's key.
        db.Execute("UPDATE \"Photo\" SET \"Id\" = 4 WHERE \"Id\" = 5");
        Assert.Equal("p5", Single(4));
        Assert.Equal(hits + 2, test.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task KeyTheDatabaseDoesNotEnforce_ADuplicateArriving_IsSeen(string provider)
    {
        // The mapping says [PrimaryKey]; the table has no such constraint. A second row with the key makes SingleOrDefault
        // throw: the cached row must not hide it.
        await using var test = await TestDb.CreateAsync(provider);
        await using var db = test.Open();
        db.Execute("CREATE TABLE \"Loose\" (\"Id\" INTEGER NOT NULL, \"Name\" TEXT NOT NULL)");
        db.Execute("INSERT INTO \"Loose\" (\"Id\", \"Name\") VALUES (1, 'first')");
        LooseRow? Get() => db.GetTable<LooseRow>().AsCacheBot().Where(r => r.Id == 1).SingleOrDefault();

        Assert.Equal("first", Get()?.Name);
        Assert.Equal("first", Get()?.Name);
        Assert.True(test.Cache.Statistics.Hits > 0);
        db.Insert(new LooseRow { Id = 1, Name = "second" });
        Assert.Throws<InvalidOperationException>(() => Get());
    }

    [Table("Loose")]
    public sealed class LooseRow
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column, NotNull]
        public string Name { get; set; } = string.Empty;
    }
}

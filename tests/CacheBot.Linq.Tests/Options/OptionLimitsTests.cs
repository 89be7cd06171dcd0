using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Options;

/// <summary>Options are validated where they are set, with a message that gives the allowed range.</summary>
public sealed class OptionLimitsTests
{
    public static TheoryData<TimeSpan> OutOfRange => [TimeSpan.Zero, TimeSpan.FromTicks(-1), TimeSpan.FromDays(-3), TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromDays(3651)];

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void PerQueryTimeToLive_OutOfRange_ThrowsWhereItIsSet(TimeSpan ttl)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CacheQueryOptions { TimeToLive = ttl });
        Assert.Contains("3650 days", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void DefaultTimeToLive_OutOfRange_ThrowsWhereItIsSet(TimeSpan ttl)
    {
        var options = new QueryCacheOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.DefaultTimeToLive = ttl);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DefaultTimeToLive);
    }

    [Fact]
    public void LongestTimeToLive_CachesAndServes()
    {
        using var db = new TestDb();
        var options = new CacheQueryOptions { TimeToLive = QueryCacheOptions.MaxTimeToLive };
        var first = db.Photos.Cache(options).Where(p => p.UserId == 1).ToList();
        var second = db.Photos.Cache(options).Where(p => p.UserId == 1).ToList();
        Assert.Equal(first.Count, second.Count);
        Assert.Equal(1, db.Cache.Statistics.Hits);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void Granularity_Undefined_Throws(int value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new QueryCacheOptions { Granularity = (InvalidationGranularity)value });
        Assert.Contains("Conjunctive, PerField or PerTable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectedGet_OfAnOptedOutEntity_IsNotCachedByDefault()
    {
        var options = new QueryCacheOptions();
        options.CacheGetDisabledFor.Add(typeof(Photo));
        using var db = new TestDb(options);
        db.Photos.Where(p => p.Id == 1).Select(p => p.Title).First();
        db.Photos.Where(p => p.Id == 1).Select(p => new { p.Title, p.UserId }).FirstOrDefault();
        Assert.Equal(0, db.Cache.Statistics.Stores);

        db.Photos.Cache().Where(p => p.Id == 1).Select(p => p.Title).First();
        Assert.Equal(1, db.Cache.Statistics.Stores);
    }

    [Fact]
    public void ProjectedGet_IsCachedByDefault_LikeAnEntityGet()
    {
        using var db = new TestDb();
        var title = db.Photos.Where(p => p.Id == 1).Select(p => p.Title).First();
        Assert.Equal(title, db.Photos.Where(p => p.Id == 1).Select(p => p.Title).First());
        Assert.Equal(1, db.Cache.Statistics.Hits);
    }
}

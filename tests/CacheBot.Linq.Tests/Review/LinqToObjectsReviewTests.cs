using CacheBot.Linq;

namespace CacheBot.Linq.Tests.Review;

/// <summary>A static helper whose <c>Equals(string, string)</c> is not ordinal equality.</summary>
public static class Loose
{
    public static bool Equals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Adversarial soundness review over LINQ-to-Objects: query cached, report the write (copy-on-write objects and
/// <c>Notify*</c>), query cached again, compare with the in-memory truth.
/// </summary>
public sealed class LinqToObjectsReviewTests : IDisposable
{
    private readonly QueryCache _cache = new(new QueryCacheOptions());
    private readonly List<RvPhoto> _photos =
    [
        new() { Id = 1, UserId = 1, Status = 0, Title = "xyz", Big = 1L << 33, Score = 1.5m },
        new() { Id = 2, UserId = 1, Status = 2, Title = "abc", Big = 5, Score = 2.50m },
        new() { Id = 3, UserId = 2, Status = 2, Title = "def", Big = 6, Score = 3m },
    ];

    public sealed class RvPhoto
    {
        public int Id { get; set; }
        public int UserId { get; set; }
        public int Status { get; set; }
        public string Title { get; set; } = "";
        public long Big { get; set; }
        public int? AlbumId { get; set; }
        public decimal Score { get; set; }
        public byte Small { get; set; }

        public RvPhoto With(Action<RvPhoto> change)
        {
            var copy = (RvPhoto)MemberwiseClone();
            change(copy);
            return copy;
        }
    }

    private readonly IQueryable<RvPhoto> _root;

    public LinqToObjectsReviewTests() => _root = _photos.AsQueryable();

    public void Dispose() => _cache.Dispose();

    /// <summary>Every test must also see at least one hit, or it proves nothing (a root queryable is keyed by identity).</summary>
    private void AssertSomeHit() => Assert.True(_cache.Statistics.Hits > 0, "no cache hit: the test is vacuous");

    private IQueryable<RvPhoto> Cached => _root.AsCacheBot(_cache).Cache();

    private IQueryable<RvPhoto> Truth => _photos.AsQueryable();

    private void Update(int id, Action<RvPhoto> change)
    {
        var index = _photos.FindIndex(p => p.Id == id);
        var before = _photos[index];
        var after = before.With(change);
        _photos[index] = after;
        _cache.NotifyUpdated(before, after);
    }

    private void Delete(int id)
    {
        var row = _photos.Single(p => p.Id == id);
        _photos.Remove(row);
        _cache.NotifyDeleted(row);
    }

    private static List<int> Ids(IEnumerable<RvPhoto> rows) => [.. rows.Select(p => p.Id).Order()];

    [Fact]
    public void DistinctByThenWhere_DeleteNonMatchingFirstOfGroup_NotStale()
    {
        var before = Ids(Cached.DistinctBy(p => p.UserId).Where(p => p.Status == 2));
        Assert.Equal(before, Ids(Cached.DistinctBy(p => p.UserId).Where(p => p.Status == 2))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Delete(1); // Status 0: the analyser narrowed the occurrence to Status == 2

        var cached = Ids(Cached.DistinctBy(p => p.UserId).Where(p => p.Status == 2));
        var truth = Ids(Truth.DistinctBy(p => p.UserId).Where(p => p.Status == 2));
        Assert.Equal([3], before);
        Assert.Equal([2, 3], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void CustomStaticEquals_CaseInsensitive_UpdateToOtherCase_NotStale()
    {
        var before = Ids(Cached.Where(p => Loose.Equals(p.Title, "abc")));
        Assert.Equal(before, Ids(Cached.Where(p => Loose.Equals(p.Title, "abc")))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(1, p => p.Title = "ABC");

        var cached = Ids(Cached.Where(p => Loose.Equals(p.Title, "abc")));
        var truth = Ids(Truth.Where(p => Loose.Equals(p.Title, "abc")));
        Assert.Equal([2], before);
        Assert.Equal([1, 2], truth);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void NarrowingCast_LongColumnToInt_NotNarrowedOnTruncatedValue()
    {
        // (int)(1L << 33) == 0: row 1 matches "(int)p.Big == 0" although Big is not 0.
        var before = Ids(Cached.Where(p => (int)p.Big == 0));
        Assert.Equal(before, Ids(Cached.Where(p => (int)p.Big == 0))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(1, p => p.Status = 7);
        Update(1, p => p.Big = 3);

        var cached = Ids(Cached.Where(p => (int)p.Big == 0));
        Assert.Equal([1], before);
        Assert.Equal(Ids(Truth.Where(p => (int)p.Big == 0)), cached);
    }

    [Fact]
    public void ComputedProjectionMember_WhereOnIt_NotNarrowed()
    {
        var before = Cached.Select(p => new { p.Id, X = p.Status + 1 }).Where(a => a.X == 1).Select(a => a.Id).ToList();
        Assert.Equal(before, Cached.Select(p => new { p.Id, X = p.Status + 1 }).Where(a => a.X == 1).Select(a => a.Id).ToList()); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(2, p => p.Status = 0);

        var cached = Cached.Select(p => new { p.Id, X = p.Status + 1 }).Where(a => a.X == 1).Select(a => a.Id).ToList();
        Assert.Equal([1], before);
        Assert.Equal([1, 2], cached.Order());
    }

    [Fact]
    public void SwappedMemberInit_WhereOnProjectedEntity_NotNarrowedToWrongColumn()
    {
        IQueryable<int> Run(IQueryable<RvPhoto> q) =>
            q.Select(p => new RvPhoto { Id = p.Id, Status = p.UserId, UserId = p.Status }).Where(x => x.Status == 2).Select(x => x.Id);

        var before = Run(Cached).ToList();
        Assert.Equal(before, Run(Cached).ToList()); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(1, p => p.UserId = 2);

        Assert.Equal([3], before);
        Assert.Equal(Run(Truth).Order(), Run(Cached).Order());
    }

    [Fact]
    public void TakeThenWhere_WriteOutsideFilter_NotStale()
    {
        var before = Ids(Cached.OrderBy(p => p.Id).Take(2).Where(p => p.Status == 2));
        Assert.Equal(before, Ids(Cached.OrderBy(p => p.Id).Take(2).Where(p => p.Status == 2))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Delete(1);

        var cached = Ids(Cached.OrderBy(p => p.Id).Take(2).Where(p => p.Status == 2));
        Assert.Equal([2], before);
        Assert.Equal([2, 3], cached);
    }

    [Fact]
    public void CapturedListMutated_Contains_KeyChanges()
    {
        var ids = new List<int> { 1 };
        var before = Ids(Cached.Where(p => ids.Contains(p.Id)));
        Assert.Equal(before, Ids(Cached.Where(p => ids.Contains(p.Id)))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        ids.Add(3);

        var cached = Ids(Cached.Where(p => ids.Contains(p.Id)));
        Assert.Equal([1], before);
        Assert.Equal([1, 3], cached);
    }

    [Fact]
    public void CapturedObjectMutated_MemberChain_KeyChanges()
    {
        var filter = new RvPhoto { UserId = 1 };
        var before = Ids(Cached.Where(p => p.UserId == filter.UserId));
        Assert.Equal(before, Ids(Cached.Where(p => p.UserId == filter.UserId))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        filter.UserId = 2;

        var cached = Ids(Cached.Where(p => p.UserId == filter.UserId));
        Assert.Equal([1, 2], before);
        Assert.Equal([3], cached);
    }

    [Fact]
    public void TwoCapturedVariablesSameValue_DifferentColumns_NotShared()
    {
        var a = 2;
        var b = 2;
        var byStatus = Ids(Cached.Where(p => p.Status == a));
        var byUser = Ids(Cached.Where(p => p.UserId == b));
        Assert.Equal([2, 3], byStatus);
        Assert.Equal([3], byUser);
    }

    [Fact]
    public void DecimalScale_QueryWithTrailingZeros_WriteWithout_NotStale()
    {
        var score = 2.500m;
        var before = Ids(Cached.Where(p => p.Score == score));
        Assert.Equal(before, Ids(Cached.Where(p => p.Score == score))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(2, p => p.Score = 2.5m + 0.0001m);

        var cached = Ids(Cached.Where(p => p.Score == score));
        Assert.Equal([2], before);
        Assert.Empty(cached);
    }

    [Fact]
    public void ByteColumnWidenedToInt_UpdateIntoFilter_NotStale()
    {
        var before = Ids(Cached.Where(p => p.Small == 4));
        Assert.Equal(before, Ids(Cached.Where(p => p.Small == 4))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(3, p => p.Small = 4);

        var cached = Ids(Cached.Where(p => p.Small == 4));
        Assert.Empty(before);
        Assert.Equal([3], cached);
    }

    [Fact]
    public void CoalesceOnNullable_NotNarrowed()
    {
        var before = Ids(Cached.Where(p => (p.AlbumId ?? 0) == 0));
        Assert.Equal(before, Ids(Cached.Where(p => (p.AlbumId ?? 0) == 0))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(1, p => p.AlbumId = 5);

        var cached = Ids(Cached.Where(p => (p.AlbumId ?? 0) == 0));
        Assert.Equal([1, 2, 3], before);
        Assert.Equal([2, 3], cached);
    }

    [Fact]
    public void ConditionalPredicate_NotNarrowed()
    {
        var before = Ids(Cached.Where(p => p.UserId == 1 ? p.Status == 2 : p.Status == 0));
        Assert.Equal(before, Ids(Cached.Where(p => p.UserId == 1 ? p.Status == 2 : p.Status == 0))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(3, p => p.Status = 0);

        var cached = Ids(Cached.Where(p => p.UserId == 1 ? p.Status == 2 : p.Status == 0));
        Assert.Equal([2], before);
        Assert.Equal([2, 3], cached);
    }

    [Fact]
    public void SkipWhileThenWhere_NotNarrowed()
    {
        var before = Ids(Cached.OrderBy(p => p.Id).SkipWhile(p => p.Status == 0).Where(p => p.UserId == 2));
        Assert.Equal(before, Ids(Cached.OrderBy(p => p.Id).SkipWhile(p => p.Status == 0).Where(p => p.UserId == 2))); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(1, p => p.Status = 2);
        Update(2, p => p.Status = 0);

        var cached = Ids(Cached.OrderBy(p => p.Id).SkipWhile(p => p.Status == 0).Where(p => p.UserId == 2));
        var truth = Ids(Truth.OrderBy(p => p.Id).SkipWhile(p => p.Status == 0).Where(p => p.UserId == 2));
        Assert.Equal([3], before);
        Assert.Equal(truth, cached);
    }

    [Fact]
    public void FirstAfterOrderBy_OrderKeyChanges_NotStale()
    {
        var before = Cached.Where(p => p.UserId == 1).OrderBy(p => p.Big).First().Id;
        Assert.Equal(before, Cached.Where(p => p.UserId == 1).OrderBy(p => p.Big).First().Id); // non-vacuous: the second run is a hit
        Assert.True(_cache.Statistics.Hits > 0);
        Update(2, p => p.Big = 1L << 40);

        var cached = Cached.Where(p => p.UserId == 1).OrderBy(p => p.Big).First().Id;
        Assert.Equal(2, before);
        Assert.Equal(1, cached);
    }
}

using System.Globalization;
using CacheBot.Linq;

namespace CacheBot.Linq.Tests.Review;

#pragma warning disable CA1304, CA1311, CA1862 // The point of these tests is a culture-dependent comparison inside a query.

public sealed class CultureTests
{
    public sealed class Word
    {
        public int Id { get; set; }

        public string Text { get; set; } = "";
    }

    [Fact]
    public void ClientSideToUpper_DependsOnCulture_RunsUncachedAndAnswersPerCulture()
    {
        var words = new List<Word> { new() { Id = 1, Text = "TITLE" }, new() { Id = 2, Text = "T\u0130TLE" } };
        using var cache = new QueryCache(new QueryCacheOptions());
        var q = words.AsQueryable().AsCacheBot(cache);
        var term = "title";
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = q.Cache().Where(w => w.Text == term.ToUpper()).Select(w => w.Id).ToList();
            CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
            var turkish = q.Cache().Where(w => w.Text == term.ToUpper()).Select(w => w.Id).ToList();

            Assert.Equal([1], invariant);
            Assert.Equal([2], turkish);
            Assert.Equal(0, cache.Statistics.Hits);
            Assert.Equal(2, cache.Statistics.Bypasses);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void InvariantToUpper_IsCachedAndHits()
    {
        var words = new List<Word> { new() { Id = 1, Text = "TITLE" } };
        using var cache = new QueryCache(new QueryCacheOptions());
        var q = words.AsQueryable().AsCacheBot(cache);
        var term = "title";

        q.Cache().Where(w => w.Text == term.ToUpperInvariant()).ToList();
        var second = q.Cache().Where(w => w.Text == term.ToUpperInvariant()).ToList();

        Assert.Single(second);
        Assert.Equal(1, cache.Statistics.Hits);
    }
}

using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// Range schemes key a row's integer value by one block per level and a range by the fewest blocks that cover it: a value
/// inside the range must share a key with the cover (the write reaches the entry), a value outside must share none (the
/// precision the scheme is for). Checked on random ranges over the whole long domain and around its edges.
/// </summary>
public sealed class RangeSchemeTests
{
    private static readonly Scheme Range = CreateScheme();

    [Fact]
    public void EveryValueInsideTheCover_SharesABlock_NoValueOutsideDoes()
    {
        var random = new Random(20261129);
        var edges = new[] { long.MinValue, long.MinValue + 1, -1L, 0L, 1L, long.MaxValue - 1, long.MaxValue };
        for (var round = 0; round < 2_000; round++)
        {
            var (low, high) = round < 49
                ? (edges[round / 7], edges[round % 7])
                : round % 2 == 0 ? Small(random) : (random.NextInt64(long.MinValue, long.MaxValue), random.NextInt64(long.MinValue, long.MaxValue));
            if (low > high)
            {
                (low, high) = (high, low);
            }

            var cover = new List<ulong>();
            DependencyKeys.AddRangeCover(cover, Range, low, high);
            Assert.True(cover.Count <= 2 * DependencyKeys.RangeLevels, $"[{low}, {high}] took {cover.Count} blocks");
            foreach (var value in Probes(random, low, high))
            {
                var inside = value >= low && value <= high;
                Assert.True(inside == Hits(cover, value), $"value {value} for [{low}, {high}] (inside: {inside})");
            }
        }
    }

    [Fact]
    public void ACoverFromTheSmallestValue_TakesAFewBlocks()
    {
        var cover = new List<ulong>();
        DependencyKeys.AddRangeCover(cover, Range, long.MinValue, 20);
        Assert.InRange(cover.Count, 1, 8);
        Assert.True(Hits(cover, -1_000_000));
        Assert.True(Hits(cover, 20));
        Assert.False(Hits(cover, 21));
    }

    private static (long, long) Small(Random random)
    {
        var low = random.NextInt64(-1_000, 1_000);
        return (low, low + random.Next(0, 300));
    }

    private static IEnumerable<long> Probes(Random random, long low, long high)
    {
        foreach (var v in new[] { low, high })
        {
            yield return v;
            if (v > long.MinValue)
            {
                yield return v - 1;
            }

            if (v < long.MaxValue)
            {
                yield return v + 1;
            }
        }

        for (var i = 0; i < 8; i++)
        {
            yield return random.NextInt64(low, high == long.MaxValue ? high : high + 1);
            yield return random.NextInt64(long.MinValue, long.MaxValue);
        }
    }

    private static bool Hits(List<ulong> cover, long value)
    {
        Span<ulong> blocks = stackalloc ulong[DependencyKeys.RangeLevels];
        Assert.True(DependencyKeys.TryForRowRange(Range, new Row { Value = value }, blocks));
        foreach (var block in blocks)
        {
            if (cover.Contains(block))
            {
                return true;
            }
        }

        return false;
    }

    private static Scheme CreateScheme()
    {
        var type = typeof(Row);
        var column = new ColumnModel(type.GetProperty(nameof(Row.Value))!, "Value", true, StringMatching.Ordinal);
        var table = new TableModel("ranges", null, "Rows", type, [column], []);
        return new SchemeRegistry(new StampTable(10)).Register(table, [column], ColumnMask.All, SchemeDirection.Arrivals, isRange: true);
    }

    private sealed class Row
    {
        public long Value { get; set; }
    }
}

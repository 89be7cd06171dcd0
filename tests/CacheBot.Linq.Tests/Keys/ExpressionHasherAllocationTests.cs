using System.Diagnostics;
using CacheBot.Linq.Keys;
using Xunit;

namespace CacheBot.Linq.Tests.Keys;

public sealed class ExpressionHasherAllocationTests
{
    private const int WarmUpCalls = 20;
    private const int MeasuredCalls = 100;

    public static TheoryData<string> Shapes => new()
    {
        "==", "&&", "||", "!=", "Contains int[]", "Contains List<int>", "Contains HashSet<int>",
        "long", "string", "enum", "int?", "Guid", "DateTime", "decimal",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hash_SteadyState_AllocatesNothing(string shape)
    {
        var expression = KeyTestTrees.Shape(shape);
        var expected = ExpressionHasher.Hash(expression);
        for (var i = 0; i < WarmUpCalls; i++)
        {
            ExpressionHasher.Hash(expression);
        }

        // The runtime itself may allocate once on this thread (tiered JIT promoting a method mid-loop); a path that
        // allocates does so in every round, so the best of three rounds must be exactly zero.
        var allocated = long.MaxValue;
        var same = true;
        for (var round = 0; round < 3 && allocated != 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < MeasuredCalls; i++)
            {
                same &= ExpressionHasher.Hash(expression) == expected;
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(expected.IsHashable);
        Assert.True(same);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hash_FreshlyBuiltTreeOfKnownShape_AllocatesNothing(string shape)
    {
        // A new tree with new closure objects (as each query execution builds): accessors and hashers are already cached.
        for (var i = 0; i < WarmUpCalls; i++)
        {
            ExpressionHasher.Hash(KeyTestTrees.Shape(shape));
        }

        var allocated = long.MaxValue;
        for (var round = 0; round < 3 && allocated != 0; round++)
        {
            // Best of three rounds, each over freshly built trees (see Hash_SteadyState_AllocatesNothing).
            var trees = new System.Linq.Expressions.Expression[MeasuredCalls];
            for (var i = 0; i < trees.Length; i++)
            {
                trees[i] = KeyTestTrees.Shape(shape);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < trees.Length; i++)
            {
                ExpressionHasher.Hash(trees[i]);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Hash_TwoPredicateShape_ReportsNanosecondsPerOperation()
    {
        const int iterations = 1_000_000;
        var expression = KeyTestTrees.UserAndStatus(7, 2);
        for (var i = 0; i < 1_000; i++)
        {
            ExpressionHasher.Hash(expression);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            ExpressionHasher.Hash(expression);
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Informational only: no timing assertion (machines differ).
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(
            $"ExpressionHasher.Hash, two-predicate shape: {elapsed.TotalNanoseconds / iterations:F1} ns/op, " +
            $"{allocated} bytes allocated over {iterations:N0} calls");
    }
}

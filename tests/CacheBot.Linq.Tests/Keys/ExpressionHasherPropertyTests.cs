using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Keys;
using CsCheck;
using Xunit;

namespace CacheBot.Linq.Tests.Keys;

public sealed class ExpressionHasherPropertyTests
{
    private const int Iterations = 2_000;

    private static readonly Gen<Spec> Leaf =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Gen.Int[-50, 50], Gen.Bool,
            (member, op, value, captured) => (Spec)new Comparison(member, op, value, captured));

    private static readonly Gen<Spec> Predicate = Tree(4);

    private static readonly Gen<(Spec Tree, int Pick)> TreeAndLeaf = Gen.Select(Predicate, Gen.Int[0, 1_000]);

    [Fact]
    public void Hash_RandomPredicateBuiltTwice_EqualFull()
    {
        Predicate.Sample(
            spec =>
            {
                var noMutation = -1;
                var first = ExpressionHasher.Hash(Build(spec, noMutation));
                var second = ExpressionHasher.Hash(Build(spec, noMutation));
                Assert.Equal(first, second);
                Assert.True(first.IsHashable);
            },
            iter: Iterations);
    }

    [Fact]
    public void Hash_RandomPredicateWithOneConstantChanged_DifferentFullSameShape()
    {
        TreeAndLeaf.Sample(
            (spec, pick) =>
            {
                var original = ExpressionHasher.Hash(Build(spec, -1));
                var changed = ExpressionHasher.Hash(Build(spec, pick % CountLeaves(spec)));
                Assert.NotEqual(original.Full, changed.Full);
                Assert.Equal(original.Shape, changed.Shape);
            },
            iter: Iterations);
    }

    private static Gen<Spec> Tree(int depth) => depth == 0
        ? Leaf
        : Gen.Int[0, 7].SelectMany(choice => choice switch
        {
            < 3 => Leaf,
            < 5 => Gen.Select(Tree(depth - 1), Tree(depth - 1), (l, r) => (Spec)new Junction(true, l, r)),
            < 7 => Gen.Select(Tree(depth - 1), Tree(depth - 1), (l, r) => (Spec)new Junction(false, l, r)),
            _ => Tree(depth - 1).Select(operand => (Spec)new Negation(operand)),
        });

    private static int CountLeaves(Spec spec) => spec switch
    {
        Comparison => 1,
        Junction junction => CountLeaves(junction.Left) + CountLeaves(junction.Right),
        Negation negation => CountLeaves(negation.Operand),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>Builds <c>Photos.Where(p =&gt; spec)</c> from scratch, changing the value of leaf <paramref name="mutate"/>.</summary>
    private static Expression Build(Spec spec, int mutate)
    {
        var parameter = Expression.Parameter(typeof(Photo), "p");
        var leafIndex = 0;
        var body = BuildBody(spec, parameter, mutate, ref leafIndex);
        var lambda = Expression.Lambda<Func<Photo, bool>>(body, parameter);
        return KeyTestTrees.Photos.Where(lambda).Expression;
    }

    private static Expression BuildBody(Spec spec, ParameterExpression parameter, int mutate, ref int leafIndex)
    {
        switch (spec)
        {
            case Comparison c:
                var value = leafIndex++ == mutate ? c.Value + 1 : c.Value;
                return c.Member switch
                {
                    0 => Compare(Expression.Property(parameter, nameof(Photo.Id)), Operand(value, c.Captured), c.Op),
                    1 => Compare(Expression.Property(parameter, nameof(Photo.UserId)), Operand(value, c.Captured), c.Op),
                    2 => Compare(Expression.Property(parameter, nameof(Photo.Status)), Operand(value, c.Captured), c.Op),
                    3 => Compare(Expression.Property(parameter, nameof(Photo.Title)), Operand("t" + value, c.Captured), c.Op % 2),
                    _ => Compare(Expression.Property(parameter, nameof(Photo.Kind)), Operand((PhotoKind)(value & 3), c.Captured), c.Op % 2),
                };
            case Junction j:
                var left = BuildBody(j.Left, parameter, mutate, ref leafIndex);
                var right = BuildBody(j.Right, parameter, mutate, ref leafIndex);
                return j.IsAnd ? Expression.AndAlso(left, right) : Expression.OrElse(left, right);
            case Negation n:
                return Expression.Not(BuildBody(n.Operand, parameter, mutate, ref leafIndex));
            default:
                throw new ArgumentOutOfRangeException(nameof(spec));
        }
    }

    /// <summary>A literal constant, or a value read from a fresh closure-like object (<c>Constant(box).Value</c>).</summary>
    private static Expression Operand<T>(T value, bool captured) =>
        captured ? Expression.Field(Expression.Constant(new StrongBox<T>(value)), nameof(StrongBox<T>.Value)) : Expression.Constant(value, typeof(T));

    private static BinaryExpression Compare(Expression left, Expression right, int op) => op switch
    {
        0 => Expression.Equal(left, right),
        1 => Expression.NotEqual(left, right),
        2 => Expression.LessThan(left, right),
        _ => Expression.GreaterThanOrEqual(left, right),
    };

    private abstract record Spec;

    private sealed record Comparison(int Member, int Op, int Value, bool Captured) : Spec;

    private sealed record Junction(bool IsAnd, Spec Left, Spec Right) : Spec;

    private sealed record Negation(Spec Operand) : Spec;
}

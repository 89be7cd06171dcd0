using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// A filter's value computed on the client from captured values (<c>a * 2 - 1</c>, <c>b % 2 == 0 ? 1 : 2</c>,
/// <c>"p" + n</c>) narrows like a plain captured value: a write of another value keeps the entry, a write of this one
/// invalidates it. The evaluation must give what C# gives, or refuse (then the filter does not narrow). Seed: photo i has
/// UserId (i % 4) + 1, Status i % 3.
/// </summary>
public sealed class ClientValueRuleTests
{
    [Fact]
    public void ArithmeticOverCapturedValues_Narrows()
    {
        using var db = new TestDb();
        int a = 2, b = 1;
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == a * 2 - b).OrderBy(p => p.Id).ToList(); // UserId 3
        db.Prime(query);

        db.Insert(new Photo { Id = 100, UserId = 1, Status = 0, Title = "another user's photo" });
        db.Expect(Outcome.Hit, query);
        var mover = db.PhotoRows.First(p => p.UserId == 1).Id;
        db.Update<Photo>(p => p.Id == mover, p => p.UserId = 3);
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Contains(result, p => p.Id == mover);
    }

    [Fact]
    public void ConditionalOnACapturedValue_Narrows()
    {
        using var db = new TestDb();
        var b = 4;
        Func<IQueryable<Photo>, object?> query = q => q.Count(p => p.Status == (b % 2 == 0 ? 1 : 2));
        db.Prime(query);

        db.Insert(new Photo { Id = 100, UserId = 1, Status = 2, Title = "status 2" });
        db.Expect(Outcome.Hit, query);
        db.Insert(new Photo { Id = 101, UserId = 1, Status = 1, Title = "status 1" });
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void ConcatenationOfCapturedValues_Narrows()
    {
        using var db = new TestDb();
        var n = 5;
        Func<IQueryable<Photo>, object?> query = q => q.Count(p => p.Title == "t" + n + "_" + (n + 1));
        db.Prime(query);

        db.Insert(new Photo { Id = 100, UserId = 1, Status = 0, Title = "t5_7" });
        db.Expect(Outcome.Hit, query);
        db.Insert(new Photo { Id = 101, UserId = 1, Status = 0, Title = "t5_6" });
        Assert.Equal(1, db.Expect(Outcome.Miss, query));
    }

    [Fact]
    public void ConcatenationOfANegativeNumber_DoesNotNarrow()
    {
        // The text of a negative number depends on the culture's minus sign, which the key does not hold.
        using var db = new TestDb();
        var n = -5;
        Func<IQueryable<Photo>, object?> query = q => q.Count(p => p.Title == "t" + n);
        db.Prime(query);

        db.Insert(new Photo { Id = 100, UserId = 1, Status = 0, Title = "unrelated" });
        db.Expect(Outcome.Miss, query);
    }

    public static TheoryData<ExpressionType, object, object> Operations()
    {
        var data = new TheoryData<ExpressionType, object, object>();
        ExpressionType[] arithmetic =
        [
            ExpressionType.Add, ExpressionType.AddChecked, ExpressionType.Subtract, ExpressionType.SubtractChecked, ExpressionType.Multiply,
            ExpressionType.MultiplyChecked, ExpressionType.Divide, ExpressionType.Modulo, ExpressionType.Equal, ExpressionType.NotEqual,
            ExpressionType.LessThan, ExpressionType.LessThanOrEqual, ExpressionType.GreaterThan, ExpressionType.GreaterThanOrEqual,
        ];
        object[][] pairs =
        [
            [7, 3], [int.MaxValue, 1], [int.MinValue, -1], [5, 0], [-7, 2], [7L, 3L], [long.MaxValue, 2L], [7.5m, 2m],
            [decimal.MaxValue, 1m], [1m, 0m], [7.5, 2.0], [1.0, 0.0], [2.5f, 0.5f], [7u, 9u], [ulong.MaxValue, 1UL],
        ];
        foreach (var op in arithmetic)
        {
            foreach (var pair in pairs)
            {
                data.Add(op, pair[0], pair[1]);
            }
        }

        foreach (var op in new[] { ExpressionType.And, ExpressionType.Or, ExpressionType.ExclusiveOr })
        {
            data.Add(op, 12, 10);
            data.Add(op, true, false);
        }

        data.Add(ExpressionType.AndAlso, true, false);
        data.Add(ExpressionType.OrElse, false, true);
        data.Add(ExpressionType.LeftShift, 3, 33);
        data.Add(ExpressionType.RightShift, -16L, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Operators_GiveWhatCompiledCodeGives_OrRefuse(ExpressionType op, object left, object right)
    {
        var node = Expression.MakeBinary(op, Expression.Constant(left), Expression.Constant(right));
        object? compiled;
        try
        {
            compiled = Expression.Lambda<Func<object>>(Expression.Convert(node, typeof(object))).Compile()();
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException)
        {
            compiled = ex;
        }

        var applied = ClientArithmetic.TryApply(node, left, right, out var value);
        if (compiled is Exception)
        {
            Assert.False(applied, $"{op}({left}, {right}) throws when compiled, so it must not be evaluated");
        }
        else
        {
            Assert.True(applied, $"{op}({left}, {right}) was refused");
            Assert.Equal(compiled, value);
        }
    }

    [Fact]
    public void LiftedOperators_PropagateNull()
    {
        var add = Expression.Add(Expression.Constant(1, typeof(int?)), Expression.Constant(null, typeof(int?)));
        Assert.True(ClientArithmetic.TryApply(add, 1, null, out var sum));
        Assert.Null(sum);
        var equal = Expression.Equal(Expression.Constant(null, typeof(int?)), Expression.Constant(null, typeof(int?)));
        Assert.True(ClientArithmetic.TryApply(equal, null, null, out var same));
        Assert.Equal(true, same);
    }
}

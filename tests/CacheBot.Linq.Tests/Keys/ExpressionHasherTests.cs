using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Keys;
using Xunit;
using static CacheBot.Linq.Tests.Keys.KeyTestTrees;

namespace CacheBot.Linq.Tests.Keys;

public sealed class ExpressionHasherTests
{
    private readonly KeyTestFilterHolder _holder = new() { Filter = new KeyTestFilter { UserId = 5 } };

    public static TheoryData<string> CapturedKinds => new() { "long", "string", "enum", "int?", "Guid", "DateTime", "decimal" };

    public static TheoryData<string> ContainsKinds => new() { "int[]", "List<int>", "HashSet<int>" };

    [Fact]
    public void Hash_EqualStructureAndValues_EqualFullAndShape()
    {
        var first = ExpressionHasher.Hash(UserAndStatus(7, 2));
        var second = ExpressionHasher.Hash(UserAndStatus(7, 2));

        Assert.Equal(first.Full, second.Full);
        Assert.Equal(first.Shape, second.Shape);
        Assert.Equal(first, second);
        Assert.Equal(ExpressionHashFlags.None, first.Flags);
        Assert.NotEqual(first.Full, first.Shape);
    }

    [Fact]
    public void Hash_DifferentCapturedValue_DifferentFullSameShape()
    {
        var one = ExpressionHasher.Hash(UserEquals(1));
        var two = ExpressionHasher.Hash(UserEquals(2));

        Assert.NotEqual(one.Full, two.Full);
        Assert.Equal(one.Shape, two.Shape);
    }

    [Fact]
    public void Hash_DifferentConstant_DifferentFullSameShape()
    {
        var one = ExpressionHasher.Hash(Photos.Where(p => p.Status == 1).Expression);
        var two = ExpressionHasher.Hash(Photos.Where(p => p.Status == 2).Expression);

        Assert.NotEqual(one.Full, two.Full);
        Assert.Equal(one.Shape, two.Shape);
    }

    [Fact]
    public void Hash_DifferentMember_DifferentFullAndShape()
    {
        var user = ExpressionHasher.Hash(UserEquals(1));
        var status = ExpressionHasher.Hash(StatusEquals(1));

        Assert.NotEqual(user.Full, status.Full);
        Assert.NotEqual(user.Shape, status.Shape);
    }

    [Fact]
    public void Hash_DifferentOperator_DifferentFull()
    {
        Assert.NotEqual(ExpressionHasher.Hash(UserEquals(1)).Full, ExpressionHasher.Hash(UserNotEquals(1)).Full);
        Assert.NotEqual(ExpressionHasher.Hash(UserAndStatus(1, 2)).Full, ExpressionHasher.Hash(UserOrStatus(1, 2)).Full);
    }

    [Fact]
    public void Hash_FirstVersusSingle_DifferentFull()
    {
        Expression<Func<IQueryable<Photo>, Photo>> first = q => q.First(p => p.Id == 1);
        Expression<Func<IQueryable<Photo>, Photo>> single = q => q.Single(p => p.Id == 1);

        Assert.NotEqual(ExpressionHasher.Hash(first).Full, ExpressionHasher.Hash(single).Full);
    }

    [Fact]
    public void Hash_SameGenericMethodOtherTypeArgument_DifferentFull()
    {
        Expression<Func<IQueryable<Photo>, int>> photos = q => q.Count();
        Expression<Func<IQueryable<KeyTestUser>, int>> users = q => q.Count();

        Assert.NotEqual(ExpressionHasher.Hash(photos).Full, ExpressionHasher.Hash(users).Full);
    }

    [Fact]
    public void Hash_ParameterNamesDiffer_EqualHashes()
    {
        var x = ExpressionHasher.Hash(Photos.Where(x => x.Id == 1).Expression);
        var y = ExpressionHasher.Hash(Photos.Where(y => y.Id == 1).Expression);

        Assert.Equal(x, y);
    }

    [Fact]
    public void Hash_DifferentParameterPosition_DifferentFull()
    {
        Expression<Func<int, int, int>> xMinusY = (x, y) => x - y;
        Expression<Func<int, int, int>> yMinusX = (x, y) => y - x;

        Assert.NotEqual(ExpressionHasher.Hash(xMinusY).Full, ExpressionHasher.Hash(yMinusX).Full);
    }

    [Fact]
    public void Hash_NestedLambdaParameters_BoundByDepthNotName()
    {
        Expression<Func<IQueryable<Photo>, bool>> outer = q => q.Any(a => q.Any(b => a.Id == b.UserId));
        Expression<Func<IQueryable<Photo>, bool>> renamed = s => s.Any(m => s.Any(n => m.Id == n.UserId));
        Expression<Func<IQueryable<Photo>, bool>> swapped = q => q.Any(a => q.Any(b => b.Id == a.UserId));

        Assert.Equal(ExpressionHasher.Hash(outer), ExpressionHasher.Hash(renamed));
        Assert.NotEqual(ExpressionHasher.Hash(outer).Full, ExpressionHasher.Hash(swapped).Full);
    }

    [Theory]
    [MemberData(nameof(ContainsKinds))]
    public void Hash_ContainsOverCollection_DependsOnContents(string kind)
    {
        Func<int[], Expression> build = kind switch
        {
            "int[]" => ids => IdInArray(ids),
            "List<int>" => ids => IdInList([.. ids]),
            _ => ids => IdInSet([.. ids]),
        };

        var a = ExpressionHasher.Hash(build([1, 2, 3]));
        var same = ExpressionHasher.Hash(build([1, 2, 3]));
        var other = ExpressionHasher.Hash(build([1, 2, 4]));
        var longer = ExpressionHasher.Hash(build([1, 2, 3, 4]));

        Assert.Equal(a, same);
        Assert.NotEqual(a.Full, other.Full);
        Assert.NotEqual(a.Full, longer.Full);
        Assert.Equal(a.Shape, other.Shape);
        Assert.Equal(a.Shape, longer.Shape);
        Assert.True(a.IsHashable);
    }

    [Fact]
    public void Hash_LargeCollection_SpillsBufferAndDependsOnContents()
    {
        var big = Enumerable.Range(0, 5_000).ToArray();
        var changed = Enumerable.Range(0, 5_000).ToArray();
        changed[4_999] = -1;
        var longTitle = new string('x', 3_000);

        Assert.Equal(ExpressionHasher.Hash(IdInList([.. big])), ExpressionHasher.Hash(IdInList([.. big])));
        Assert.NotEqual(ExpressionHasher.Hash(IdInList([.. big])).Full, ExpressionHasher.Hash(IdInList([.. changed])).Full);
        Assert.NotEqual(ExpressionHasher.Hash(IdInSet([.. big])).Full, ExpressionHasher.Hash(IdInSet([.. changed])).Full);
        Assert.NotEqual(ExpressionHasher.Hash(TitleEquals(longTitle)).Full, ExpressionHasher.Hash(TitleEquals(longTitle + "y")).Full);
    }

    [Theory]
    [MemberData(nameof(CapturedKinds))]
    public void Hash_CapturedValueOfKind_EqualForEqualValuesDifferentOtherwise(string kind)
    {
        var a = ExpressionHasher.Hash(Captured(kind, 0));
        var same = ExpressionHasher.Hash(Captured(kind, 0));
        var other = ExpressionHasher.Hash(Captured(kind, 1));

        Assert.Equal(a, same);
        Assert.NotEqual(a.Full, other.Full);
        Assert.Equal(a.Shape, other.Shape);
        Assert.True(a.IsHashable);
        Assert.True(other.IsHashable);
    }

    [Fact]
    public void Hash_CapturedEntityWithChangedProperty_DifferentFull()
    {
        var user = new KeyTestUser { Id = 1, Name = "david", FavouriteKind = PhotoKind.Portrait };
        var twin = new KeyTestUser { Id = 1, Name = "david", FavouriteKind = PhotoKind.Portrait };
        var before = ExpressionHasher.Hash(SameUser(user));

        Assert.Equal(before, ExpressionHasher.Hash(SameUser(twin)));

        user.Name = "David";
        var renamed = ExpressionHasher.Hash(SameUser(user));
        twin.FavouriteKind = PhotoKind.Panorama;
        var otherKind = ExpressionHasher.Hash(SameUser(twin));

        Assert.NotEqual(before.Full, renamed.Full);
        Assert.NotEqual(before.Full, otherKind.Full);
        Assert.Equal(before.Shape, renamed.Shape);
    }

    [Fact]
    public void Hash_NestedClosureScopes_ReadsEveryLevel()
    {
        Assert.Equal(ExpressionHasher.Hash(NestedScopes(1, 2)), ExpressionHasher.Hash(NestedScopes(1, 2)));
        Assert.NotEqual(ExpressionHasher.Hash(NestedScopes(1, 2)).Full, ExpressionHasher.Hash(NestedScopes(3, 2)).Full);
        Assert.NotEqual(ExpressionHasher.Hash(NestedScopes(1, 2)).Full, ExpressionHasher.Hash(NestedScopes(1, 4)).Full);
        Assert.Equal(ExpressionHasher.Hash(NestedScopes(1, 2)).Shape, ExpressionHasher.Hash(NestedScopes(3, 4)).Shape);
    }

    [Fact]
    public void Hash_LambdaInsideLocalFunction_ReadsBothClosures()
    {
        Assert.Equal(ExpressionHasher.Hash(InLocalFunction(1, 2)), ExpressionHasher.Hash(InLocalFunction(1, 2)));
        Assert.NotEqual(ExpressionHasher.Hash(InLocalFunction(1, 2)).Full, ExpressionHasher.Hash(InLocalFunction(3, 2)).Full);
        Assert.NotEqual(ExpressionHasher.Hash(InLocalFunction(1, 2)).Full, ExpressionHasher.Hash(InLocalFunction(1, 4)).Full);
    }

    [Fact]
    public void Hash_CaptureOfThisFieldSub_ReadsCurrentValue()
    {
        var five = ExpressionHasher.Hash(ByHolderFilter());
        _holder.Filter.UserId = 6;
        var six = ExpressionHasher.Hash(ByHolderFilter());
        _holder.Filter = new KeyTestFilter { UserId = 5 };
        var fiveAgain = ExpressionHasher.Hash(ByHolderFilter());

        Assert.NotEqual(five.Full, six.Full);
        Assert.Equal(five.Shape, six.Shape);
        Assert.Equal(five, fiveAgain);
    }

    [Fact]
    public void Hash_CapturedSubqueryWithDifferentInnerValue_DifferentFullSameShape()
    {
        var one = ExpressionHasher.Hash(WithSubquery(1));

        Assert.Equal(one, ExpressionHasher.Hash(WithSubquery(1)));
        Assert.NotEqual(one.Full, ExpressionHasher.Hash(WithSubquery(2)).Full);
        Assert.Equal(one.Shape, ExpressionHasher.Hash(WithSubquery(2)).Shape);
    }

    [Fact]
    public void Hash_DifferentListSources_DifferentFullSameShape()
    {
        var first = new List<Photo>().AsQueryable();
        var second = new List<Photo>().AsQueryable();

        var a = ExpressionHasher.Hash(OverSource(first, 1));
        var b = ExpressionHasher.Hash(OverSource(second, 1));

        Assert.Equal(a, ExpressionHasher.Hash(OverSource(first, 1)));
        Assert.NotEqual(a.Full, b.Full);
        Assert.Equal(a.Shape, b.Shape);
    }

    [Fact]
    public void Hash_CacheMarker_SetsCacheMarkerFlag()
    {
        var marker = MarkerMethod("CacheMarker");
        var call = Expression.Call(
            marker, Photos.Expression, Expression.Constant(null, typeof(string)), Expression.Constant(0L), Expression.Constant(false));
        var withTtl = Expression.Call(
            marker, Photos.Expression, Expression.Constant(null, typeof(string)), Expression.Constant(60L), Expression.Constant(false));

        var hash = ExpressionHasher.Hash(Expression.Call(typeof(Queryable), nameof(Queryable.Count), [typeof(Photo)], call));

        Assert.Equal(ExpressionHashFlags.CacheMarker, hash.Flags);
        Assert.NotEqual(ExpressionHasher.Hash(call).Full, ExpressionHasher.Hash(withTtl).Full);
    }

    [Fact]
    public void Hash_NoCacheMarker_SetsNoCacheMarkerFlag()
    {
        var call = Expression.Call(MarkerMethod("NoCacheMarker"), Photos.Expression);

        Assert.Equal(ExpressionHashFlags.NoCacheMarker, ExpressionHasher.Hash(call).Flags);
    }

    private Expression ByHolderFilter() => Photos.Where(p => p.UserId == _holder.Filter.UserId).Expression;

    private static MethodInfo MarkerMethod(string name) =>
        typeof(CacheBotQueryableExtensions).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(typeof(Photo));

    private static Expression Captured(string kind, int variant) => kind switch
    {
        "long" => ViewsEqual(variant == 0 ? 10_000_000_000L : 10_000_000_001L),
        "string" => TitleEquals(variant == 0 ? "sunset" : "Sunset"),
        "enum" => KindEquals(variant == 0 ? PhotoKind.Portrait : PhotoKind.Panorama),
        "int?" => AlbumEquals(variant == 0 ? 3 : null),
        "Guid" => UidEquals(variant == 0 ? new Guid("8f4c1e1e-6a34-4c5e-9d55-2f0d7d0c9b01") : new Guid("8f4c1e1e-6a34-4c5e-9d55-2f0d7d0c9b02")),
        "DateTime" => TakenEquals(new DateTime(2024, 5, 1, 12, 0, 0, variant == 0 ? DateTimeKind.Utc : DateTimeKind.Local)),
        "decimal" => PriceEquals(variant == 0 ? 9.99m : 9.98m),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind."),
    };
}

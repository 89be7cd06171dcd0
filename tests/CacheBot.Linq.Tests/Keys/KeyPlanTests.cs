using System.Linq.Expressions;
using CacheBot.Linq.Keys;
using Xunit;

namespace CacheBot.Linq.Tests.Keys;

/// <summary>
/// Accessor plans (<see cref="KeyPlan"/>): a tree hashed through its shape's plan must give exactly the full walk's hash,
/// and a plan must never be applied to a tree it does not describe. Every case hashes a first tree (recording the plan),
/// then other trees of the same or a confusable shape, and compares each with the plan-free full walk.
/// </summary>
public sealed class KeyPlanTests
{
    public static TheoryData<string> Shapes => new()
    {
        "==", "&&", "||", "!=", "Contains int[]", "Contains List<int>", "Contains HashSet<int>",
        "long", "string", "enum", "int?", "Guid", "DateTime", "decimal",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Plan_FreshTreesOfAShape_HashLikeTheFullWalk(string shape)
    {
        Record(KeyTestTrees.Shape(shape));
        var fresh = KeyTestTrees.Shape(shape);
        Assert.True(ExpressionHasher.TryHashByPlan(fresh, null, out var planned), "the plan must fit a fresh tree of its shape");
        Assert.Equal(ExpressionHasher.HashFullWalk(fresh), planned);
        Assert.True(planned.IsHashable);
    }

    [Fact]
    public void Plan_DifferentCapturedValues_DifferentHashes()
    {
        Record(KeyTestTrees.UserAndStatus(1, 2));
        var seen = new HashSet<UInt128>();
        for (var user = 0; user < 5; user++)
        {
            for (var status = 0; status < 5; status++)
            {
                var tree = KeyTestTrees.UserAndStatus(user, status);
                Assert.True(seen.Add(AssertPlanned(tree)), $"user {user} status {status} collided");
            }
        }
    }

    [Fact]
    public void Plan_SameStructureDifferentClosureTypes_NeverShareAKey()
    {
        var first = new ClosureA { Value = 7 };
        var second = new ClosureB { Value = 7 };
        var a = WhereUserIs(Expression.Field(Expression.Constant(first), nameof(ClosureA.Value)));
        var b = WhereUserIs(Expression.Field(Expression.Constant(second), nameof(ClosureB.Value)));
        Record(a);
        AssertFullWalk(b);
        Record(b);
        Assert.NotEqual(AssertPlanned(a), AssertPlanned(b));
    }

    [Fact]
    public void Plan_CapturedValueVersusConstant_NeverShareAKey()
    {
        var closure = new ClosureA { Value = 7 };
        var captured = WhereUserIs(Expression.Field(Expression.Constant(closure), nameof(ClosureA.Value)));
        var constant = WhereUserIs(Expression.Constant(7));
        Record(captured);
        Record(constant);
        Assert.NotEqual(AssertPlanned(captured), AssertPlanned(constant));
    }

    [Fact]
    public void Plan_ObjectTypedFieldChangingTypeAtRunTime_HashesItsRuntimeValue()
    {
        var closure = new ObjectClosure { Value = 1 };
        var photo = Expression.Parameter(typeof(Photo), "p");
        var body = Expression.Call(
            Expression.Field(Expression.Constant(closure), nameof(ObjectClosure.Value)),
            typeof(object).GetMethod(nameof(Equals), [typeof(object)])!,
            Expression.Convert(Expression.Property(photo, nameof(Photo.UserId)), typeof(object)));
        var tree = KeyTestTrees.Photos.Where(Expression.Lambda<Func<Photo, bool>>(body, photo)).Expression;
        Record(tree);
        var hashes = new HashSet<UInt128>();
        foreach (var value in new object?[] { 1, 1L, "1", 1.0, null, PhotoKind.Portrait, new[] { 1 } })
        {
            closure.Value = value;
            Assert.True(hashes.Add(AssertPlanned(tree)), $"{value?.GetType().Name ?? "null"} collided");
        }
    }

    [Fact]
    public void Plan_NestedClosureChains_ReadEveryHop()
    {
        var holder = new KeyTestFilterHolder { Filter = new KeyTestFilter { UserId = 3 } };
        var tree = KeyTestTrees.Photos.Where(p => p.UserId == holder.Filter.UserId).Expression;
        Record(tree);
        var three = AssertPlanned(tree);
        holder.Filter.UserId = 4;
        var four = AssertPlanned(tree);
        holder.Filter = new KeyTestFilter { UserId = 3 };
        Assert.Equal(three, AssertPlanned(tree));
        holder.Filter = null!;
        var nullHop = AssertPlanned(tree);
        Assert.NotEqual(three, four);
        Assert.NotEqual(three, nullHop);
        Assert.NotEqual(four, nullHop);
    }

    [Fact]
    public void Plan_NestedScopesAndLocalFunctions_HashLikeTheFullWalk()
    {
        Record(KeyTestTrees.NestedScopes(1, 2));
        Record(KeyTestTrees.InLocalFunction(1, 2));
        Assert.NotEqual(AssertPlanned(KeyTestTrees.NestedScopes(1, 2)), AssertPlanned(KeyTestTrees.NestedScopes(1, 3)));
        Assert.NotEqual(AssertPlanned(KeyTestTrees.InLocalFunction(1, 2)), AssertPlanned(KeyTestTrees.InLocalFunction(2, 2)));
    }

    [Fact]
    public void Plan_CollectionsMutatedBetweenCalls_HashTheirContents()
    {
        int[] array = [1, 2, 3];
        List<int> list = [1, 2, 3];
        HashSet<int> set = [1, 2, 3];
        var trees = new[] { KeyTestTrees.IdInArray(array), KeyTestTrees.IdInList(list), KeyTestTrees.IdInSet(set) };
        foreach (var tree in trees)
        {
            Record(tree);
        }

        var before = trees.Select(AssertPlanned).ToArray();
        array[1] = 20;
        list.Add(4);
        set.Remove(3);
        var after = trees.Select(AssertPlanned).ToArray();
        for (var i = 0; i < trees.Length; i++)
        {
            Assert.NotEqual(before[i], after[i]);
        }

        Assert.Equal(3, after.Distinct().Count());
    }

    [Fact]
    public void Plan_NavigationAndParameterPositions_AreVerified()
    {
        var name = "ann";
        var navigation = KeyTestTrees.Users.Where(u => u.Name == name).Expression;
        Record(navigation);
        AssertPlanned(navigation);

        // Same types, same members, parameters swapped: only the bound positions differ.
        var left = Expression.Parameter(typeof(Photo), "a");
        var right = Expression.Parameter(typeof(Photo), "b");
        var marker = typeof(KeyPlanTests).GetMethod(nameof(Marker))!;
        Expression Build(ParameterExpression x, ParameterExpression y) => Expression.Call(marker, Expression.Quote(Expression.Lambda<Func<Photo, Photo, bool>>(
            Expression.Equal(Expression.Property(x, nameof(Photo.UserId)), Expression.Property(y, nameof(Photo.Status))), left, right)));
        var straight = Build(left, right);
        var swapped = Build(right, left);
        Record(straight);
        AssertPlanned(Build(left, right));
        AssertFullWalk(swapped);
        Assert.NotEqual(AssertPlanned(straight), AssertAnyPath(swapped));
    }

    [Fact]
    public void Plan_LiftedAndConvertedOperators_HashLikeTheFullWalk()
    {
        int? album = 3;
        long views = 5;
        var lifted = KeyTestTrees.Photos.Where(p => p.AlbumId > album && p.Views + 1 > views && !(p.Status == 2) && (object)p.Title != null).Expression;
        Record(lifted);
        AssertPlanned(lifted);
        album = null;
        AssertPlanned(lifted);
        var conditional = KeyTestTrees.Photos.Select(p => p.AlbumId ?? (p.Status > 1 ? p.UserId : -1)).Expression;
        Record(conditional);
        AssertPlanned(conditional);
    }

    [Fact]
    public void Plan_OperatorOverAnUnplannedOperand_HashesLikeTheFullWalk()
    {
        // An operand the plan does not verify (an index into a captured list, hashed by the full walk): the operator's
        // lifting follows from the operand's type, so the tree must still hash exactly as the full walk hashes it.
        var values = new List<int?> { 1, null };
        var photo = Expression.Parameter(typeof(Photo), "p");
        var item = Expression.MakeIndex(
            Expression.Constant(values), typeof(List<int?>).GetProperty("Item"), [Expression.Constant(0)]);
        var body = Expression.Equal(item, Expression.Convert(Expression.Property(photo, nameof(Photo.UserId)), typeof(int?)));
        var tree = KeyTestTrees.Photos.Where(Expression.Lambda<Func<Photo, bool>>(body, photo)).Expression;
        Record(tree);
        AssertAnyPath(tree);
        values[0] = 2;
        AssertAnyPath(tree);
    }

    [Fact]
    public void Plan_StaticMembersAndSubqueries_HashLikeTheFullWalk()
    {
        StaticHolder.Value = 5;
        var tree = KeyTestTrees.Photos.Where(p => p.UserId == StaticHolder.Value).Expression;
        Record(tree);
        var five = AssertPlanned(tree);
        StaticHolder.Value = 6;
        Assert.NotEqual(five, AssertPlanned(tree));

        Record(KeyTestTrees.WithSubquery(1));
        Assert.NotEqual(AssertPlanned(KeyTestTrees.WithSubquery(1)), AssertPlanned(KeyTestTrees.WithSubquery(2)));
    }

    [Fact]
    public void Plan_ManyShapesOfOneRoot_StayBoundedAndExact()
    {
        // More shapes than a bucket holds, with one fingerprint (a root no other test uses, so no other test's bucket
        // fills): later shapes use the full walk.
        var trees = new List<Expression>();
        for (var i = 0; i < KeyPlanTable.PerBucket * 3; i++)
        {
            var parameter = Expression.Parameter(typeof(Photo), "p");
            Expression body = Expression.Equal(Expression.Property(parameter, nameof(Photo.UserId)), Expression.Constant(i));
            for (var j = 0; j < i; j++)
            {
                body = Expression.AndAlso(body, Expression.NotEqual(Expression.Property(parameter, nameof(Photo.Status)), Expression.Constant(j)));
            }

            trees.Add(PlanOnlyPhotos.Where(Expression.Lambda<Func<Photo, bool>>(body, parameter)).Expression);
        }

        var hashes = new HashSet<UInt128>();
        foreach (var tree in trees)
        {
            ExpressionHasher.HashFull(tree);
            Assert.True(hashes.Add(AssertAnyPath(tree)));
        }

        Assert.True(KeyPlanTable.Candidates(trees[0])!.Length <= KeyPlanTable.PerBucket);
    }

    [Fact]
    public void Plan_ConcurrentHashing_MatchesTheFullWalk()
    {
        var failures = 0;
        Parallel.For(0, 4000, i =>
        {
            var tree = (i % 4) switch
            {
                0 => KeyTestTrees.UserAndStatus(i, i % 7),
                1 => KeyTestTrees.IdInArray([i, i + 1]),
                2 => KeyTestTrees.TitleEquals("t" + (i % 13)),
                _ => KeyTestTrees.NestedScopes(i, 1),
            };
            if (ExpressionHasher.HashFull(tree) != ExpressionHasher.HashFullWalk(tree))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void HashFull_FreshTreeOfAPlannedShape_AllocatesNothing()
    {
        for (var i = 0; i < 20; i++)
        {
            ExpressionHasher.HashFull(KeyTestTrees.UserAndStatus(i, 2));
        }

        // Build the trees first: only the hashing is measured. Best of three rounds (tiered JIT may allocate once).
        var trees = Enumerable.Range(0, 100).Select(i => KeyTestTrees.UserAndStatus(i, 3)).ToArray();
        var allocated = long.MaxValue;
        for (var round = 0; round < 3 && allocated != 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var tree in trees)
            {
                ExpressionHasher.HashFull(tree);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(ExpressionHasher.TryHashByPlan(trees[0], null, out _));
        Assert.Equal(0, allocated);
    }

    private static readonly IQueryable<Photo> PlanOnlyPhotos = new List<Photo>().AsQueryable().Select(p => p);

    /// <summary>A queryable-like marker method taking a lambda (for trees built by hand).</summary>
    public static bool Marker(Expression<Func<Photo, Photo, bool>> predicate) => predicate is not null;

    private static Expression WhereUserIs(Expression value)
    {
        var photo = Expression.Parameter(typeof(Photo), "p");
        var body = Expression.Equal(Expression.Property(photo, nameof(Photo.UserId)), value);
        return KeyTestTrees.Photos.Where(Expression.Lambda<Func<Photo, bool>>(body, photo)).Expression;
    }

    /// <summary>Hashes twice so the shape's plan is recorded (if its bucket has room).</summary>
    private static void Record(Expression tree)
    {
        ExpressionHasher.HashFull(tree);
        ExpressionHasher.HashFull(tree);
    }

    /// <summary>Asserts the tree goes through a plan and gives the full walk's hash; returns it.</summary>
    private static UInt128 AssertPlanned(Expression tree)
    {
        Assert.True(ExpressionHasher.TryHashByPlan(tree, null, out var planned), "a plan must fit " + tree);
        var walked = ExpressionHasher.HashFullWalk(tree);
        Assert.Equal(walked, planned);
        Assert.Equal(walked, ExpressionHasher.HashFull(tree));
        return planned.Full;
    }

    /// <summary>Asserts no plan fits the tree; returns its full walk hash.</summary>
    private static void AssertFullWalk(Expression tree) =>
        Assert.False(ExpressionHasher.TryHashByPlan(tree, null, out _), "no plan may fit " + tree);

    /// <summary>Whatever path is taken, the hash must be the full walk's.</summary>
    private static UInt128 AssertAnyPath(Expression tree)
    {
        var walked = ExpressionHasher.HashFullWalk(tree);
        Assert.Equal(walked, ExpressionHasher.HashFull(tree));
        if (ExpressionHasher.TryHashByPlan(tree, null, out var planned))
        {
            Assert.Equal(walked, planned);
        }

        return walked.Full;
    }

    private sealed class ClosureA
    {
        public int Value;
    }

    private sealed class ClosureB
    {
        public int Value;
    }

    private sealed class ObjectClosure
    {
        public object? Value;
    }

    private static class StaticHolder
    {
        public static int Value;
    }
}

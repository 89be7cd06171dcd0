using System.Linq.Expressions;
using CacheBot.Linq.Keys;
using Xunit;
using static CacheBot.Linq.Tests.Keys.KeyTestTrees;

namespace CacheBot.Linq.Tests.Keys;

/// <summary>Unhashable trees, depth limits, policies, extension nodes and concurrency.</summary>
public sealed class ExpressionHasherSafetyTests
{
    [Fact]
    public void Hash_BlockNode_Unhashable()
    {
        var block = Expression.Block(Expression.Constant(1));

        Assert.True(ExpressionHasher.Hash(block).Flags.HasFlag(ExpressionHashFlags.Unhashable));
    }

    [Fact]
    public void Hash_AssignNode_Unhashable()
    {
        var variable = Expression.Parameter(typeof(int), "v");
        var assign = Expression.Lambda<Func<int, int>>(Expression.Assign(variable, Expression.Constant(1)), variable);

        Assert.False(ExpressionHasher.Hash(assign).IsHashable);
    }

    [Fact]
    public void Hash_VeryDeepTree_UnhashableWithoutStackOverflow()
    {
        var parameter = Expression.Parameter(typeof(int), "x");
        Expression body = parameter;
        for (var i = 0; i < 100_000; i++)
        {
            body = Expression.Add(body, Expression.Constant(i));
        }

        var hash = ExpressionHasher.Hash(Expression.Lambda<Func<int, int>>(body, parameter));

        Assert.False(hash.IsHashable);
    }

    [Fact]
    public void Hash_CapturedUnknownStruct_Unhashable()
    {
        var point = new KeyTestPoint(1, 2);
        var expression = Photos.Where(p => p.Id == point.X).Expression; // Reads through the struct: a hashable int.
        Expression<Func<KeyTestPoint>> whole = () => point;

        Assert.True(ExpressionHasher.Hash(expression).IsHashable);
        Assert.False(ExpressionHasher.Hash(whole).IsHashable);
    }

    [Fact]
    public void Hash_ClockMember_Unhashable()
    {
        var expression = Photos.Where(p => p.Taken < DateTime.UtcNow).Expression;

        Assert.False(ExpressionHasher.Hash(expression).IsHashable);
    }

    [Fact]
    public void Hash_PolicyTypeOnly_IgnoresObjectContents()
    {
        var policy = new TypeOnlyPolicy(typeof(KeyTestUser));
        var a = new KeyTestUser { Id = 1 };
        var b = new KeyTestUser { Id = 2 };

        Assert.Equal(ExpressionHasher.Hash(SameUser(a), policy), ExpressionHasher.Hash(SameUser(b), policy));
        Assert.NotEqual(ExpressionHasher.Hash(SameUser(a)).Full, ExpressionHasher.Hash(SameUser(b)).Full);
    }

    [Fact]
    public void Hash_ChainThroughTypeOnlyObject_StillKeysTheLeafValue()
    {
        // closure.db.TenantId: the context is hashed by type, but a member read through it is a value of the query.
        var policy = new TypeOnlyPolicy(typeof(KeyTestUser));
        var first = IdOf(new KeyTestUser { Id = 1 });
        var second = IdOf(new KeyTestUser { Id = 2 });

        Assert.NotEqual(ExpressionHasher.Hash(first, policy).Full, ExpressionHasher.Hash(second, policy).Full);
        Assert.Equal(ExpressionHasher.Hash(first, policy).Shape, ExpressionHasher.Hash(second, policy).Shape);
    }

    [Fact]
    public void Hash_LeafOfTypeOnlyType_HashesByTypeOnly()
    {
        var policy = new TypeOnlyPolicy(typeof(KeyTestUser));
        var first = UserOf(new KeyTestUser { Id = 1 });
        var second = UserOf(new KeyTestUser { Id = 2 });

        Assert.Equal(ExpressionHasher.Hash(first, policy), ExpressionHasher.Hash(second, policy));
        Assert.NotEqual(ExpressionHasher.Hash(first).Full, ExpressionHasher.Hash(second).Full);
    }

    [Fact]
    public void Hash_ExtensionNode_HashedByNodeTypeAndType()
    {
        var node = new KeyTestRootExpression(typeof(IQueryable<Photo>));
        var query = Expression.Call(typeof(Queryable), nameof(Queryable.Count), [typeof(Photo)], node);

        Assert.True(ExpressionHasher.Hash(query).IsHashable);
        Assert.True(ExpressionHasher.Hash(query, new TypeOnlyPolicy(typeof(string))).IsHashable);
        Assert.Equal(ExpressionHasher.Hash(node), ExpressionHasher.Hash(new KeyTestRootExpression(typeof(IQueryable<Photo>))));
        Assert.NotEqual(ExpressionHasher.Hash(node).Full, ExpressionHasher.Hash(new KeyTestRootExpression(typeof(IQueryable<KeyTestUser>))).Full);
    }

    [Fact]
    public async Task Hash_ConcurrentCallers_AgreeWithSequentialResult()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var expected = ExpressionHasher.Hash(UserAndStatus(7, 2));
        var tasks = new Task<bool>[8];
        for (var t = 0; t < tasks.Length; t++)
        {
            tasks[t] = Task.Run(
                () =>
                {
                    for (var i = 0; i < 2_000; i++)
                    {
                        if (ExpressionHasher.Hash(UserAndStatus(7, 2)) != expected)
                        {
                            return false;
                        }
                    }

                    return true;
                },
                cancellationToken);
        }

        Assert.All(await Task.WhenAll(tasks), Assert.True);
    }

    private static Expression<Func<int>> IdOf(KeyTestUser user) => () => user.Id;

    private static Expression<Func<KeyTestUser>> UserOf(KeyTestUser user) => () => user;

    private sealed class TypeOnlyPolicy(Type type) : IKeyHashPolicy
    {
        public bool HashByTypeOnly(Type candidate) => candidate == type;

        public bool TryGetExtensionIdentity(Expression node, out UInt128 identity)
        {
            identity = default;
            return false;
        }
    }
}

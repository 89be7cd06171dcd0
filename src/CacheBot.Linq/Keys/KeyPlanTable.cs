using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// The bounded, lock-free table of <see cref="KeyPlan"/>s: buckets indexed by a cheap fingerprint of the tree (<see cref="Index"/>), each an
/// immutable array of at most <see cref="PerBucket"/> candidate plans, replaced by compare-and-swap.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Buckets"/> x <see cref="PerBucket"/> plans. A full bucket takes no more plans (its trees are
/// hashed by the full walk, as before plans existed): no eviction, so no thrashing between shapes. The bucket is only a
/// lookup hint: a candidate is used only when the whole tree verifies against it.
/// </remarks>
internal static class KeyPlanTable
{
    public const int Buckets = 1 << BucketBits;

    private const int BucketBits = 12;

    public const int PerBucket = 8;

    private const int MaxSourceLevels = 4;

    private const int MaxSpineLevels = 4;

    private static readonly KeyPlan[]?[] Table = new KeyPlan[]?[Buckets];

    public static KeyPlan[]? Candidates(Expression root) => Volatile.Read(ref Table[Index(root)]);

    /// <summary>Returns whether the bucket of <paramref name="root"/> has room for another plan.</summary>
    public static bool HasRoom(Expression root) => (Volatile.Read(ref Table[Index(root)])?.Length ?? 0) < PerBucket;

    public static void Add(Expression root, KeyPlan plan)
    {
        ref var slot = ref Table[Index(root)];
        while (true)
        {
            var current = Volatile.Read(ref slot);
            var length = current?.Length ?? 0;
            if (length >= PerBucket)
            {
                return;
            }

            var next = new KeyPlan[length + 1];
            current?.CopyTo(next, 0);
            next[length] = plan;
            if (ReferenceEquals(Interlocked.CompareExchange(ref slot, next, current), current))
            {
                return;
            }
        }
    }

    /// <summary>Forgets every plan (tests).</summary>
    public static void Clear() => Array.Clear(Table);

    /// <summary>
    /// The bucket of a tree: its root and a few nodes that tell query shapes apart cheaply (the methods down the source chain
    /// of the root call, and the left spine of each call's lambda). Only a hint: trees in one bucket may differ anywhere.
    /// </summary>
    private static int Index(Expression root)
    {
        var hash = Mix(RuntimeHelpers.GetHashCode(root.GetType()), RuntimeHelpers.GetHashCode(root.Type));
        var node = root;
        for (var level = 0; level < MaxSourceLevels && node is MethodCallExpression call; level++)
        {
            hash = Mix(hash, RuntimeHelpers.GetHashCode(call.Method));
            var arguments = (IArgumentProvider)call;
            var count = arguments.ArgumentCount;
            for (var i = 1; i < count; i++)
            {
                if (arguments.GetArgument(i) is UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression lambda })
                {
                    hash = Mix(hash, LeftSpine(lambda.Body));
                }
            }

            node = count > 0 ? arguments.GetArgument(0) : null;
        }

        return (int)((uint)hash >> (32 - BucketBits));
    }

    /// <summary>A cheap multiplicative mix (the index is a hint; its quality only spreads buckets).</summary>
    private static int Mix(int hash, int value) => (int)(BitOperations.RotateLeft((uint)hash ^ (uint)value, 5) * 0x9E3779B1u);

    private static int LeftSpine(Expression? node)
    {
        var hash = 0;
        for (var level = 0; level < MaxSpineLevels && node is not null; level++)
        {
            hash = Mix(hash, (int)node.NodeType);
            switch (node)
            {
                case BinaryExpression binary:
                    node = binary.Left;
                    break;
                case UnaryExpression unary:
                    node = unary.Operand;
                    break;
                case MemberExpression member:
                    hash = Mix(hash, RuntimeHelpers.GetHashCode(member.Member));
                    node = member.Expression;
                    break;
                case MethodCallExpression call:
                    hash = Mix(hash, RuntimeHelpers.GetHashCode(call.Method));
                    node = call.Object ?? (((IArgumentProvider)call).ArgumentCount > 0 ? ((IArgumentProvider)call).GetArgument(0) : null);
                    break;
                default:
                    return hash;
            }
        }

        return hash;
    }
}

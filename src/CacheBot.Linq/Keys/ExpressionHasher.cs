using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>Computes the 128-bit cache key hashes of an expression tree.</summary>
/// <remarks>
/// <para>Invariants:</para>
/// <list type="bullet">
/// <item><see cref="ExpressionHash.Full"/>: equal trees with equal values give equal hashes; any difference in node type,
/// type, method, member, constant or captured value, or parameter position gives a different hash (up to 128-bit
/// collisions, which DESIGN accepts). Parameter names and object identities of nodes do not matter.</item>
/// <item><see cref="ExpressionHash.Shape"/>: the same walk with scalar values replaced by their static type; collections,
/// subqueries and entities contribute their runtime type (and a captured subquery its own shape).</item>
/// <item>Captured values are read at hash time through cached compiled accessors. A value whose equality is unknown, a
/// statement or mutating node, or a tree deeper than <see cref="HashWalk.MaxDepth"/> sets
/// <see cref="ExpressionHashFlags.Unhashable"/>: the caller must not cache. Exceptions thrown by user code while reading
/// values are swallowed into that flag (fail open).</item>
/// <item>Threading: stateless apart from thread-safe caches (accessors, per-type hashers, object ids) that only grow, and
/// the bounded, lock-free table of accessor plans (<see cref="KeyPlanTable"/>).</item>
/// <item>Plans: <see cref="HashFull"/> hashes a tree of a known shape through its <see cref="KeyPlan"/>, writing exactly the
/// bytes of the full walk (so the same hash), or falls back to the full walk when no plan fits.</item>
/// <item>Allocation: none in steady state (stack buffers spilling into the array pool, no boxing, no closures, no LINQ).
/// First sights allocate once: compiled accessors, per-type hashers, object ids. Freshly built trees of a known shape
/// allocate nothing either (see <see cref="LambdaParameters"/>).</item>
/// <item>Hashes contain runtime handles: process-local, never persist or share them.</item>
/// </list>
/// </remarks>
internal static class ExpressionHasher
{
    private const int StackBufferSize = 1024;

    /// <summary>Hashes <paramref name="expression"/>.</summary>
    /// <param name="expression">The query expression tree.</param>
    /// <param name="policy">Optional provider-specific rules (objects hashed by type only).</param>
    /// <returns>The full hash, the shape hash and the flags.</returns>
    [SkipLocalsInit]
    public static ExpressionHash Hash(Expression expression, IKeyHashPolicy? policy = null) => Walk(expression, policy, withShape: true, portable: false);

    /// <summary>
    /// Like <see cref="Hash(Expression, IKeyHashPolicy?)"/> but without the shape stream (its <see cref="ExpressionHash.Shape"/>
    /// is zero): the hit path needs only the full hash, and skipping the second stream saves about a third of the cost.
    /// </summary>
    /// <remarks>
    /// Uses the shape's <see cref="KeyPlan"/> when the tree fits one (the same bytes, so the same hash, as the full walk),
    /// and records a plan after the full walk of a shape not seen before (first sight only: the recording allocates).
    /// </remarks>
    [SkipLocalsInit]
    public static ExpressionHash HashFull(Expression expression, IKeyHashPolicy? policy = null)
    {
        if (TryHashByPlan(expression, policy, out var hash))
        {
            return hash;
        }

        Span<byte> buffer = stackalloc byte[StackBufferSize];
        var walk = new HashWalk(buffer, default, policy, withShape: false);
        try
        {
            walk.Visit(expression);
            if ((walk.Flags & ExpressionHashFlags.Unhashable) == 0 && HashWalk.IsPlannableRoot(expression) && KeyPlanTable.HasRoom(expression))
            {
                RecordPlan(expression, policy, walk.FullStream);
            }

            policy?.AppendContextValues(ref walk);
            return walk.Complete();
        }
        finally
        {
            walk.Dispose();
        }
    }

    /// <summary>The full walk of <see cref="HashFull"/> without plans (tests and benchmarks compare both).</summary>
    internal static ExpressionHash HashFullWalk(Expression expression, IKeyHashPolicy? policy = null) =>
        Walk(expression, policy, withShape: false, portable: false);

    /// <summary>Hashes <paramref name="expression"/> through a recorded <see cref="KeyPlan"/> of its shape, if one fits.</summary>
    [SkipLocalsInit]
    internal static bool TryHashByPlan(Expression expression, IKeyHashPolicy? policy, out ExpressionHash hash)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var candidates = KeyPlanTable.Candidates(expression);
        if (candidates is not null)
        {
            Span<byte> buffer = stackalloc byte[StackBufferSize];
            for (var i = 0; i < candidates.Length; i++)
            {
                if (candidates[i].Steps.Length == 0)
                {
                    continue;
                }

                var replay = new HashWalk(buffer, default, policy, withShape: false);
                try
                {
                    if (replay.TryReplay(expression, candidates[i]))
                    {
                        policy?.AppendContextValues(ref replay);
                        hash = replay.Complete();
                        return true;
                    }
                }
                finally
                {
                    replay.Dispose();
                }
            }
        }

        hash = default;
        return false;
    }

    /// <summary>
    /// Like <see cref="HashFull"/> but with types and methods hashed by name (assembly-qualified, module version) instead of
    /// runtime handles, so equal queries hash alike in every process running the same build; for results shared between
    /// processes. Misses only (it looks identities up in dictionaries). <see cref="ExpressionHashFlags.NotPortable"/> says the
    /// tree held a value keyed by object identity.
    /// </summary>
    public static ExpressionHash HashPortable(Expression expression, IKeyHashPolicy? policy = null) => Walk(expression, policy, withShape: false, portable: true);

    /// <summary>
    /// Records the plan of <paramref name="expression"/>'s shape and keeps it only if the recording wrote exactly
    /// <paramref name="expected"/> (the full walk's stream) and holds at least one planned node.
    /// </summary>
    private static void RecordPlan(Expression expression, IKeyHashPolicy? policy, ReadOnlySpan<byte> expected)
    {
        var steps = new List<KeyPlanStep>();
        var recorder = new HashWalk(new byte[StackBufferSize], default, policy, withShape: false);
        try
        {
            recorder.Record(expression, steps);
            if ((recorder.Flags & ExpressionHashFlags.Unhashable) != 0 || steps.Count == 0 || steps[0].Kind == KeyPlanStepKind.Walk
                || !recorder.FullStream.SequenceEqual(expected))
            {
                // A value changed between the two walks (or the recording could not follow the walk): keep a marker that
                // fits no tree, so the bucket is not recorded into on every call.
                KeyPlanTable.Add(expression, KeyPlan.Rejected);
                return;
            }

            var flags = recorder.Flags & (ExpressionHashFlags.CacheMarker | ExpressionHashFlags.NoCacheMarker);
            KeyPlanTable.Add(expression, new KeyPlan([.. steps], recorder.FullStream.ToArray(), flags));
        }
        catch (Exception)
        {
            // No plan: the shape keeps the full walk.
            KeyPlanTable.Add(expression, KeyPlan.Rejected);
        }
        finally
        {
            recorder.Dispose();
        }
    }

    private static ExpressionHash Walk(Expression expression, IKeyHashPolicy? policy, bool withShape, bool portable = false)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var walk = new HashWalk(stackalloc byte[StackBufferSize], stackalloc byte[StackBufferSize], policy, withShape, portable);
        try
        {
            walk.Visit(expression);
            policy?.AppendContextValues(ref walk);
            return walk.Complete();
        }
        finally
        {
            walk.Dispose();
        }
    }
}

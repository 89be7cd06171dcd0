namespace CacheBot.Linq.Keys;

/// <summary>
/// The accessor plan of one query shape: the steps a full walk took over a tree of that shape, the byte stream it wrote, and
/// its structural flags. A later tree is hashed by verifying it against the steps (reference comparisons, no hashing of
/// structure), copying the recorded structure bytes and hashing only its values afresh, through the recorded accessors.
/// </summary>
/// <remarks>
/// Exactness: the replay writes the byte stream the full walk would write for that tree, or gives up (and the full walk runs).
/// Each step verifies every input the full walk turns into structure bytes for that node; values (constants, captured
/// members, unplanned subtrees) run the full walk's own code. A plan is kept only if its recording wrote the same bytes as
/// the full walk (<see cref="KeyPlanTable"/>). Immutable once built: shared by all threads.
/// </remarks>
internal sealed class KeyPlan(KeyPlanStep[] steps, byte[] stream, ExpressionHashFlags flags)
{
    /// <summary>A marker that fits no tree: a recording of its bucket failed (see <see cref="ExpressionHasher.HashFull"/>).</summary>
    public static readonly KeyPlan Rejected = new([], [], ExpressionHashFlags.None);

    public KeyPlanStep[] Steps { get; } = steps;

    /// <summary>Gets the recorded full stream: the bytes between value slots are the structure a replay copies.</summary>
    public byte[] Stream { get; } = stream;

    /// <summary>Gets the structural flags the skeleton's nodes set (the CacheBot markers).</summary>
    public ExpressionHashFlags Flags { get; } = flags;
}

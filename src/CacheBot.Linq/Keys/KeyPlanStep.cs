using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

/// <summary>One node of a <see cref="KeyPlan"/>, in the pre-order of the walk.</summary>
/// <remarks>
/// A step names everything the full walk writes for its node as structure: the node type and type, and
/// per kind its method or member (<see cref="Info"/>, compared by reference: the same reflection object has the same
/// handle, declaring type and token) and its counts. Slot steps (<see cref="KeyPlanStepKind.Constant"/>,
/// <see cref="KeyPlanStepKind.Chain"/>, <see cref="KeyPlanStepKind.Walk"/>) hold the range [<see cref="Start"/>,
/// <see cref="End"/>) of the recorded stream that the value wrote: a replay writes those bytes afresh.
/// </remarks>
internal readonly struct KeyPlanStep(
    KeyPlanStepKind kind, ExpressionType nodeType, Type? type, object? info, int count, int extra, int start, int end)
{
    public KeyPlanStepKind Kind { get; } = kind;

    public ExpressionType NodeType { get; } = nodeType;

    /// <summary>Gets the node's <see cref="Expression.Type"/>.</summary>
    public Type? Type { get; } = type;

    /// <summary>Gets the method, member, lambda parameter types or <see cref="KeyPlanChain"/> of the node.</summary>
    public object? Info { get; } = info;

    /// <summary>Gets the argument or parameter count, or a bound parameter's lambda depth.</summary>
    public int Count { get; } = count;

    /// <summary>Gets the presence flags (object, conversion), the by-ref mask of lambda parameters, or a bound parameter's position.</summary>
    public int Extra { get; } = extra;

    public int Start { get; } = start;

    public int End { get; } = end;
}

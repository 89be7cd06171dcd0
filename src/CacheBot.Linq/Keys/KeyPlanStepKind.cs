namespace CacheBot.Linq.Keys;

/// <summary>What one <see cref="KeyPlanStep"/> of a <see cref="KeyPlan"/> verifies or reads.</summary>
internal enum KeyPlanStepKind : byte
{
    /// <summary>A structural node (call, lambda, operator, parameter, member access, conditional): verified, bytes copied.</summary>
    Node,

    /// <summary>A constant: its node type and static type verified, its value hashed as the full walk hashes it.</summary>
    Constant,

    /// <summary>A captured value (a member chain rooted at a constant or a static member): chain verified, value read through the recorded accessors.</summary>
    Chain,

    /// <summary>Any other subtree: hashed by the full walk itself (no verification needed, no speed-up either).</summary>
    Walk,
}

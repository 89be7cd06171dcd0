namespace CacheBot.Linq.Keys;

/// <summary>The counters of a <see cref="HashWalk"/>, saved before reading user code so they can be restored after it throws.</summary>
internal readonly struct WalkCheckpoint(int depth, int lambdaDepth, int valueOnly, int scopeCount)
{
    public int Depth { get; } = depth;

    public int LambdaDepth { get; } = lambdaDepth;

    public int ValueOnly { get; } = valueOnly;

    public int ScopeCount { get; } = scopeCount;
}

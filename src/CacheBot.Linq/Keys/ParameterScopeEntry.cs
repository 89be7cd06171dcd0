using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

/// <summary>One lambda parameter in scope: the node (compared by reference), its lambda's nesting depth and its position.</summary>
internal readonly struct ParameterScopeEntry(ParameterExpression parameter, int depth, int index)
{
    public ParameterExpression Parameter { get; } = parameter;

    public int Depth { get; } = depth;

    public int Index { get; } = index;
}

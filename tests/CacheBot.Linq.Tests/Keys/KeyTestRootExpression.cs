using System.Linq.Expressions;

namespace CacheBot.Linq.Tests.Keys;

/// <summary>A provider-specific extension node, like linq2db's <c>SqlQueryRootExpression</c>.</summary>
public sealed class KeyTestRootExpression(Type type) : Expression
{
    public override ExpressionType NodeType => ExpressionType.Extension;

    public override Type Type { get; } = type;
}

using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>One client value the analysis read: the node, whether it could be evaluated, and the value it gave.</summary>
/// <param name="Node">The node evaluated (a constant, a captured member chain, a pure call over them, ...).</param>
/// <param name="Evaluated">Whether the analyzer could evaluate it (a node that reads a row cannot be).</param>
/// <param name="Value">The value, the very object the analysis then used (its tuples hold it by reference).</param>
internal readonly record struct ClientEvaluation(Expression Node, bool Evaluated, object? Value);

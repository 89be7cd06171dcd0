using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Numbers the nodes of a tree in the order <see cref="ExpressionVisitor"/> visits them (preorder): two trees of the same shape
/// have the corresponding nodes at the same numbers. Also lists the constants that hold a query (<see cref="IQueryable"/>),
/// which the analysis treats as sources. Extension nodes are numbered but not entered (their children are not standard).
/// </summary>
internal sealed class NodePositions : ExpressionVisitor
{
    private readonly Dictionary<Expression, int>? _positions;
    private readonly int[]? _wanted;
    private readonly Expression[]? _found;
    private readonly List<int> _queryConstants = [];
    private int _next;
    private int _wantedIndex;

    private NodePositions(Dictionary<Expression, int>? positions, int[]? wanted)
    {
        _positions = positions;
        _wanted = wanted;
        _found = wanted is null ? null : new Expression[wanted.Length];
    }

    /// <summary>
    /// Numbers every node of <paramref name="tree"/>: the position of each node object, or -1 for an object that occurs at
    /// more than one position (a shared subtree, whose positions another tree of the shape need not share).
    /// </summary>
    public static (Dictionary<Expression, int> Positions, int[] QueryConstants) Index(Expression tree)
    {
        var visitor = new NodePositions(new Dictionary<Expression, int>(ReferenceEqualityComparer.Instance), null);
        visitor.Visit(tree);
        return (visitor._positions!, [.. visitor._queryConstants]);
    }

    /// <summary>Finds the nodes of <paramref name="tree"/> at <paramref name="positions"/> (ascending), and its query constants.</summary>
    /// <returns>The nodes (null where the tree is shorter), and the positions of the constants that hold a query.</returns>
    public static (Expression[] Nodes, List<int> QueryConstants) Find(Expression tree, int[] positions)
    {
        var visitor = new NodePositions(null, positions);
        visitor.Visit(tree);
        return (visitor._found!, visitor._queryConstants);
    }

    public override Expression? Visit(Expression? node)
    {
        if (node is null)
        {
            return null;
        }

        var position = _next++;
        if (_positions is not null)
        {
            _positions[node] = _positions.ContainsKey(node) ? -1 : position;
        }
        else
        {
            while (_wantedIndex < _wanted!.Length && _wanted[_wantedIndex] == position)
            {
                _found![_wantedIndex++] = node;
            }
        }

        if (node is ConstantExpression { Value: IQueryable })
        {
            _queryConstants.Add(position);
        }

        return node.NodeType == ExpressionType.Extension ? node : base.Visit(node);
    }
}

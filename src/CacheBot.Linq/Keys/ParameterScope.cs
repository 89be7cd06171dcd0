using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

/// <summary>
/// The lambda parameters in scope during a hash walk, innermost last, stored inline (no allocation).
/// </summary>
/// <remarks>
/// Parameters are identified by reference and hashed by (lambda depth, position), never by name, so renaming a
/// parameter does not change a hash. At most <see cref="Capacity"/> parameters can be in scope at once; the walk marks
/// deeper trees unhashable rather than guessing.
/// </remarks>
internal struct ParameterScope
{
    public const int Capacity = 16;

    private ParameterScopeBuffer _entries;
    private int _count;

    public readonly int Count => _count;

    public bool TryPush(ParameterExpression parameter, int depth, int index)
    {
        if (_count == Capacity)
        {
            return false;
        }

        _entries[_count++] = new ParameterScopeEntry(parameter, depth, index);
        return true;
    }

    public void PopTo(int count)
    {
        for (var i = count; i < _count; i++)
        {
            _entries[i] = default;
        }

        _count = count;
    }

    public readonly bool TryFind(ParameterExpression parameter, out int depth, out int index)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            if (ReferenceEquals(entry.Parameter, parameter))
            {
                depth = entry.Depth;
                index = entry.Index;
                return true;
            }
        }

        depth = 0;
        index = 0;
        return false;
    }
}

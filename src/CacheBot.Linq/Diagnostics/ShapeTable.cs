using System.Collections.Concurrent;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// The bounded table of per-shape statistics behind <see cref="CacheStatistics.TopShapes"/>.
/// </summary>
/// <remarks>
/// <para>Bound: at most <see cref="Capacity"/> shapes (<see cref="QueryCacheOptions.MaxTrackedShapes"/>), each holding a
/// text of at most <see cref="ShapeText.MaxLength"/> characters and one cache line per processor stripe. When a new shape
/// would exceed the bound, the least used eighth of the table (fewest requests) is dropped in one sweep, so a stream of
/// one-off shapes costs one sort per <c>Capacity / 8</c> new shapes, not one per shape. The shape whose arrival triggers a sweep is never dropped
/// by it, so a new shape gets until the next sweep to be used.</para>
/// <para>Threading: lookups and inserts are lock-free (<see cref="ConcurrentDictionary{TKey, TValue}"/>); sweeps take a
/// lock so that two threads do not both sweep. Only misses, bypasses and <c>Explain()</c> look shapes up; a hit reaches its
/// shape through its entry.</para>
/// </remarks>
internal sealed class ShapeTable
{
    private readonly ConcurrentDictionary<UInt128, ShapeStatistics> _shapes = new();
    private readonly Lock _sweep = new();

    public ShapeTable(int capacity) => Capacity = capacity;

    public int Capacity { get; }

    public int Count => _shapes.Count;

    /// <summary>Returns the statistics of shape <paramref name="id"/>, creating them (and printing the text) on first sight.</summary>
    public ShapeStatistics GetOrAdd<TState>(UInt128 id, Func<TState, string> text, TState state)
    {
        if (_shapes.TryGetValue(id, out var shape))
        {
            return shape;
        }

        shape = _shapes.GetOrAdd(id, new ShapeStatistics(id, text(state)));
        TrimIfFull(shape);
        return shape;
    }

    /// <summary>Returns the live statistics of a dropped shape: puts it back, or returns the one created since.</summary>
    public ShapeStatistics Revive(ShapeStatistics dropped)
    {
        var live = _shapes.GetOrAdd(dropped.Id, dropped);
        if (ReferenceEquals(live, dropped))
        {
            dropped.Dropped = false;
            TrimIfFull(dropped);
        }

        return live;
    }

    public List<QueryShapeStatistics> Snapshot()
    {
        var list = new List<QueryShapeStatistics>(_shapes.Count);
        foreach (var pair in _shapes)
        {
            list.Add(pair.Value.Snapshot());
        }

        return list;
    }

    private void TrimIfFull(ShapeStatistics arriving)
    {
        if (_shapes.Count <= Capacity)
        {
            return;
        }

        lock (_sweep)
        {
            var count = _shapes.Count;
            if (count <= Capacity)
            {
                return;
            }

            // The arriving shape has had no time to be used: it is never the one dropped by its own arrival.
            var ranked = new List<(long Requests, ShapeStatistics Shape)>(count);
            foreach (var pair in _shapes)
            {
                if (!ReferenceEquals(pair.Value, arriving))
                {
                    ranked.Add((pair.Value.Requests, pair.Value));
                }
            }

            ranked.Sort(static (a, b) => a.Requests.CompareTo(b.Requests));
            var drop = Math.Min(ranked.Count, count - Capacity + Math.Max(1, Capacity / 8));
            for (var i = 0; i < drop; i++)
            {
                var shape = ranked[i].Shape;
                shape.Dropped = true;
                _shapes.TryRemove(new KeyValuePair<UInt128, ShapeStatistics>(shape.Id, shape));
            }
        }
    }
}

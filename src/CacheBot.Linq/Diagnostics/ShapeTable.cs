using System.Collections.Concurrent;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// The bounded table of per-shape statistics behind <see cref="CacheStatistics.TopShapes"/>.
/// </summary>
/// <remarks>
/// <para>Identity: a shape is its text (<see cref="ShapeText"/>). Shape hashes that print alike (a literal and a captured
/// variable, <c>== 1</c> and <c>== id</c>) share one <see cref="ShapeStatistics"/>; the hash-to-statistics map only saves
/// printing the text again on later misses.</para>
/// <para>Bound: at most <see cref="Capacity"/> shapes (<see cref="QueryCacheOptions.MaxTrackedShapes"/>), each holding a
/// text of at most <see cref="ShapeText.MaxLength"/> characters and one cache line per processor stripe. When a new shape
/// would exceed the bound, the least used eighth of the table (fewest requests) is dropped in one sweep, so a stream of
/// one-off shapes costs one sort per <c>Capacity / 8</c> new shapes, not one per shape. The shape whose arrival triggers a
/// sweep is never dropped by it, so a new shape gets until the next sweep to be used.</para>
/// <para>Threading: lookups and inserts are lock-free (<see cref="ConcurrentDictionary{TKey, TValue}"/>); sweeps take a
/// lock so that two threads do not both sweep. Only misses, bypasses and <c>Explain()</c> look shapes up; a hit reaches its
/// shape through its entry. A race between an insert and a sweep can at worst leave a hash mapped to a dropped shape, which
/// its next hit or miss repairs (<see cref="Revive"/>, <see cref="GetOrAdd{TState}"/>).</para>
/// </remarks>
internal sealed class ShapeTable
{
    private readonly ConcurrentDictionary<UInt128, ShapeStatistics> _byHash = new();
    private readonly ConcurrentDictionary<string, ShapeStatistics> _byText = new(StringComparer.Ordinal);
    private readonly Lock _sweep = new();

    public ShapeTable(int capacity) => Capacity = capacity;

    public int Capacity { get; }

    public int Count => _byText.Count;

    /// <summary>Returns the statistics of shape <paramref name="hash"/>, printing its text on first sight.</summary>
    public ShapeStatistics GetOrAdd<TState>(UInt128 hash, Func<TState, string> text, TState state)
    {
        if (_byHash.TryGetValue(hash, out var shape) && !shape.Dropped)
        {
            return shape;
        }

        var printed = text(state);
        shape = _byText.GetOrAdd(printed, static t => new ShapeStatistics(t));
        _byHash[hash] = shape;
        TrimIfFull(shape);
        return shape;
    }

    /// <summary>Returns the live statistics of a dropped shape: puts it back, or returns the one created since with its text.</summary>
    public ShapeStatistics Revive(ShapeStatistics dropped)
    {
        var live = _byText.GetOrAdd(dropped.Text, dropped);
        if (ReferenceEquals(live, dropped))
        {
            dropped.Dropped = false;
            TrimIfFull(dropped);
        }

        return live;
    }

    public List<QueryShapeStatistics> Snapshot()
    {
        var list = new List<QueryShapeStatistics>(_byText.Count);
        foreach (var pair in _byText)
        {
            list.Add(pair.Value.Snapshot());
        }

        return list;
    }

    private void TrimIfFull(ShapeStatistics arriving)
    {
        if (_byText.Count <= Capacity)
        {
            return;
        }

        lock (_sweep)
        {
            var count = _byText.Count;
            if (count <= Capacity)
            {
                return;
            }

            // The arriving shape has had no time to be used: it is never the one dropped by its own arrival.
            var ranked = new List<(long Requests, ShapeStatistics Shape)>(count);
            foreach (var pair in _byText)
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
                _byText.TryRemove(new KeyValuePair<string, ShapeStatistics>(shape.Text, shape));
            }

            foreach (var pair in _byHash)
            {
                if (pair.Value.Dropped)
                {
                    _byHash.TryRemove(pair);
                }
            }
        }
    }
}

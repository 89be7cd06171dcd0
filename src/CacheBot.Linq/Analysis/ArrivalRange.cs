using CacheBot.Linq.Invalidation;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// The rows that can arrive in a list, narrowed to a range of one integer column of its root: the bounds its filter sets
/// (<c>p.Id &gt; a</c>, <c>p.Id &lt;= b</c>, with captured values), and for a full window ordered by that column alone, its
/// last key (a row beyond it sorts after the window). The entry holds the blocks of a range scheme
/// (<see cref="Scheme.IsRange"/>) that cover the range, instead of the key every arrival bumps.
/// </summary>
/// <param name="scheme">The range scheme (arrivals, reading the columns the filter and the ordering read).</param>
/// <param name="low">The filter's lower bound (inclusive; <see cref="long.MinValue"/> when none).</param>
/// <param name="high">The filter's upper bound (inclusive; <see cref="long.MaxValue"/> when none).</param>
/// <param name="windowSize">The window's size when it is ordered by the range's column; 0 when not.</param>
/// <param name="descending">Whether that window is ordered descending.</param>
internal sealed class ArrivalRange(Scheme scheme, long low, long high, int windowSize, bool descending)
{
    /// <summary>
    /// Adds the keys of the range, bounded by the window's last key when the window is full (<paramref name="windowKeys"/>: its
    /// rows' values of the column); false when the range is unbounded or a key is not an integer (the caller keeps the key every
    /// arrival bumps).
    /// </summary>
    public bool TryAddCover(List<ulong> keys, IEnumerable<object?> windowKeys, int windowCount)
    {
        var (from, to) = (low, high);
        if (windowSize > 0 && windowCount >= windowSize)
        {
            var last = descending ? long.MaxValue : long.MinValue;
            foreach (var key in windowKeys)
            {
                if (!DependencyKeys.TryInteger(key, out var value))
                {
                    return false;
                }

                last = descending ? Math.Min(last, value) : Math.Max(last, value);
            }

            (from, to) = descending ? (Math.Max(from, last), to) : (from, Math.Min(to, last));
        }

        if (from == long.MinValue && to == long.MaxValue)
        {
            return false;
        }

        DependencyKeys.AddRangeCover(keys, scheme, from, to);
        return true;
    }
}

using CacheBot.Linq.Analysis;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>Registers an analysis' schemes, then takes the read position (in that order; see <see cref="SchemeRegistry"/>).</summary>
internal static class StampReader
{
    /// <summary>
    /// Registers the analysis' schemes in each of <paramref name="directions"/> (all of them before the read position: the
    /// answer, which picks the direction an entry keeps, is known only after the query ran), then reads the position.
    /// </summary>
    /// <returns>
    /// The dependency keys per direction (same order), the read position, the generation, and the position a result shared by
    /// another process must be read at (or above) to be checked against this process's slots (every scheme registered,
    /// nothing lost since).
    /// </returns>
    public static (ulong[][] Keys, long Position, long Generation, long SharedSince) RegisterAndRead(QueryCache cache, QueryAnalysis analysis, SchemeDirection[] directions)
    {
        var sharedSince = 0L;
        var databases = new List<ulong>(1);
        foreach (var table in analysis.Tables)
        {
            DependencyKeys.AddDistinct(databases, DependencyKeys.DatabaseEpoch(table.Database));
        }

        var keysByDirection = new ulong[directions.Length][];
        for (var d = 0; d < directions.Length; d++)
        {
            // Every table dependency of a directional entry is a scheme of its direction, so is its table key.
            var keys = new List<ulong>(analysis.Tables.Count + databases.Count + analysis.Groups.Count);
            foreach (var table in analysis.Tables)
            {
                DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(table, directions[d]));
            }

            foreach (var database in databases)
            {
                DependencyKeys.AddDistinct(keys, database);
            }

            var fallback = new List<TableModel>();
            foreach (var group in analysis.Groups)
            {
                var scheme = cache.Schemes.Register(group.Table, group.Columns, group.ReadMask, directions[d]);
                sharedSince = Math.Max(sharedSince, Volatile.Read(ref scheme.RegisteredAt));
                foreach (var tuple in group.Tuples)
                {
                    if (DependencyKeys.TryForTuple(scheme, tuple, out var key))
                    {
                        DependencyKeys.AddDistinct(keys, key);
                    }
                    else if (!fallback.Contains(group.Table))
                    {
                        // A value that cannot be encoded: depend on "any row" of the table instead (sound).
                        fallback.Add(group.Table);
                        var any = cache.Schemes.Register(group.Table, [], group.ReadMask, directions[d]);
                        sharedSince = Math.Max(sharedSince, Volatile.Read(ref any.RegisteredAt));
                        DependencyKeys.TryForTuple(any, [], out var anyKey);
                        DependencyKeys.AddDistinct(keys, anyKey);
                    }
                }
            }

            keysByDirection[d] = [.. keys];
        }

        // Registration (above) happens-before the position read (below): the registry issues a full fence on change, and
        // this fence orders an unchanged registry's reads too.
        Interlocked.MemoryBarrier();
        var generation = cache.Stamps.Generation;
        var position = cache.Stamps.ReadPosition;
        return (keysByDirection, position, generation, Math.Max(sharedSince, cache.Stamps.TrackedSince));
    }
}

using CacheBot.Linq.Analysis;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>Registers an analysis' schemes, then reads the stamps of its keys (in that order; see <see cref="SchemeRegistry"/>).</summary>
internal static class StampReader
{
    public static (DependencyStamp[] Dependencies, long GlobalEpoch) RegisterAndRead(QueryCache cache, QueryAnalysis analysis)
    {
        var keys = new List<ulong>(analysis.Tables.Count + analysis.Groups.Count);
        var databases = new List<string>(1);
        foreach (var table in analysis.Tables)
        {
            keys.Add(DependencyKeys.TableEpoch(table));
            if (!databases.Contains(table.Database))
            {
                databases.Add(table.Database);
                keys.Add(DependencyKeys.DatabaseEpoch(table.Database));
            }
        }

        var fallback = new List<TableModel>();
        foreach (var group in analysis.Groups)
        {
            var scheme = cache.Schemes.Register(group.Table, group.Columns);
            foreach (var tuple in group.Tuples)
            {
                if (DependencyKeys.TryForTuple(scheme, tuple, out var key))
                {
                    keys.Add(key);
                }
                else if (!fallback.Contains(group.Table))
                {
                    // A value that cannot be encoded: depend on "any row" of the table instead (sound).
                    fallback.Add(group.Table);
                    var any = cache.Schemes.Register(group.Table, []);
                    DependencyKeys.TryForTuple(any, [], out var anyKey);
                    keys.Add(anyKey);
                }
            }
        }

        // Registration (above) happens-before the stamp reads (below): the registry issues a full fence on change.
        Interlocked.MemoryBarrier();
        var globalEpoch = cache.Stamps.GlobalEpoch;
        var dependencies = new DependencyStamp[keys.Count];
        for (var i = 0; i < dependencies.Length; i++)
        {
            dependencies[i] = new DependencyStamp(keys[i], cache.Stamps.Read(keys[i]));
        }

        return (dependencies, globalEpoch);
    }
}

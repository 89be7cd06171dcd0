using System.Diagnostics;
using System.Globalization;
using System.Text;
using CacheBot.Redis.Worker;

namespace CacheBot.Redis.Tests.MultiProcess;

/// <summary>Totals, staleness lags and hit-ratio recovery of a multi-process run.</summary>
public sealed class RunAnalysis
{
    private readonly List<WorkerResult> _results;
    private readonly Dictionary<string, List<(long Version, long At)>> _writesByRow = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _commitOf = [];

    public RunAnalysis(List<WorkerResult> results)
    {
        _results = results;
        foreach (var write in results.SelectMany(r => r.WriteLog))
        {
            _commitOf[write.Version] = write.CommittedAt;
            foreach (var key in write.Keys)
            {
                (_writesByRow.TryGetValue(key, out var list) ? list : _writesByRow[key] = []).Add((write.Version, write.CommittedAt));
            }
        }

        foreach (var list in _writesByRow.Values)
        {
            list.Sort();
        }
    }

    public long Operations => _results.Sum(r => r.Reads + r.Writes + r.RolledBack + r.RefusedWrites + r.WriteConflicts);

    public long Reads => _results.Sum(r => r.Reads);

    public long Writes => _results.Sum(r => r.Writes);

    public long Hits => _results.Sum(r => r.Hits);

    public long Misses => _results.Sum(r => r.Misses);

    public long Bypasses => _results.Sum(r => r.Bypasses);

    public double HitRatio => Hits / (double)Math.Max(1, Hits + Misses + Bypasses);

    public List<Observation> Stale => [.. _results.SelectMany(r => r.Stale)];

    public List<string> Errors => [.. _results.SelectMany(r => r.Errors)];

    /// <summary>
    /// For each stale observation, how long before the read started the earliest provably missed write had committed
    /// (null when no write can be named).
    /// </summary>
    public List<(Observation Observation, TimeSpan? Lag)> Lags()
    {
        var lags = new List<(Observation, TimeSpan?)>();
        foreach (var observation in Stale)
        {
            long? committed = null;
            foreach (var floor in observation.Floors)
            {
                if (floor.Key is not null && _writesByRow.TryGetValue(floor.Key, out var writes))
                {
                    foreach (var (version, at) in writes)
                    {
                        if (version > floor.Version)
                        {
                            committed = committed is null ? at : Math.Min(committed.Value, at);
                            break;
                        }
                    }
                }
            }

            if (committed is null && observation.MissedVersion > 0 && _commitOf.TryGetValue(observation.MissedVersion, out var missed))
            {
                committed = missed;
            }

            lags.Add((observation, committed is { } c ? Stopwatch.GetElapsedTime(c, observation.ReadStart) : null));
        }

        return lags;
    }

    /// <summary>The hit ratio of every process together over [from, to) (Stopwatch timestamps).</summary>
    public double HitRatioBetween(long from, long to) => HitRatioBetween(from, to, out _);

    /// <summary>The hit ratio over [from, to), and how many cached reads it is made of.</summary>
    public double HitRatioBetween(long from, long to, out long reads)
    {
        long hits = 0, all = 0;
        foreach (var result in _results)
        {
            var first = result.Buckets.LastOrDefault(b => b.At <= from) ?? result.Buckets.FirstOrDefault();
            var last = result.Buckets.LastOrDefault(b => b.At <= to);
            if (first is null || last is null || last.At <= first.At)
            {
                continue;
            }

            hits += last.Hits - first.Hits;
            all += last.Hits - first.Hits + (last.Misses - first.Misses) + (last.Bypasses - first.Bypasses);
        }

        reads = all;
        return all == 0 ? double.NaN : hits / (double)all;
    }

    /// <summary>
    /// How long after <paramref name="faultEnded"/> the hit ratio over a sliding one-second window first reaches
    /// <paramref name="target"/> (null: never, within <paramref name="limit"/>).
    /// </summary>
    public TimeSpan? RecoveryAfter(long faultEnded, double target, TimeSpan limit)
    {
        var window = (long)(Stopwatch.Frequency * 1.0);
        var step = Stopwatch.Frequency / 10;
        for (var t = faultEnded; t < faultEnded + (long)(limit.TotalSeconds * Stopwatch.Frequency); t += step)
        {
            var ratio = HitRatioBetween(t, t + window);
            if (!double.IsNaN(ratio) && ratio >= target)
            {
                return Stopwatch.GetElapsedTime(faultEnded, t + window);
            }
        }

        return null;
    }

    public string Summary(string title)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{title}: {Operations} operations ({Reads} reads, {Writes} committed writes, ")
            .Append(CultureInfo.InvariantCulture, $"{_results.Sum(r => r.RolledBack)} rolled back, {_results.Sum(r => r.RefusedWrites)} refused, ")
            .Append(CultureInfo.InvariantCulture, $"{_results.Sum(r => r.WriteConflicts)} conflicts) in {_results.Max(r => r.ElapsedSeconds):F1} s; ")
            .Append(CultureInfo.InvariantCulture, $"hits {Hits}, misses {Misses}, bypasses {Bypasses}, hit ratio {HitRatio:P1}; ")
            .Append(CultureInfo.InvariantCulture, $"stale {Stale.Count}, inconclusive {_results.Sum(r => r.Inconclusive)}, resyncs {_results.Sum(r => r.Resyncs)}, errors {Errors.Count}");
        return sb.ToString();
    }
}

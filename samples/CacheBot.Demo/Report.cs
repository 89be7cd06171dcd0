using System.Globalization;

namespace CacheBot.Demo;

/// <summary>Prints the end-of-run report.</summary>
public static class Report
{
    public static void Print(TextWriter o, DemoOptions options, DemoDatabase database, SeedSummary seed, RunResult r)
    {
        var shapes = QueryShapes.All;
        var (hit, miss, uncached) = (r.Latencies.Hit, r.Latencies.Miss, r.Latencies.Uncached);
        var w = r.AtWorkloadEnd;
        o.WriteLine();
        o.WriteLine("==================== CacheBot demo report ====================");
        o.WriteLine($"Database      {database.Description}");
        o.WriteLine($"Data          {seed}");
        o.WriteLine($"Workload      {r.Ops:N0} ops in {r.Elapsed.TotalSeconds:F1} s ({r.Ops / r.Elapsed.TotalSeconds:N0} ops/s; two connections share the cache, reads alternate between them){(r.Interrupted ? " (interrupted)" : "")}");
        o.WriteLine($"              {r.Reads:N0} reads over {shapes.Count} query shapes, {r.WritesCount:N0} writes ({(double)r.WritesCount / Math.Max(r.Ops, 1):P1})");
        o.WriteLine($"              seed {options.Seed}, Zipf s={options.ZipfExponent.ToString(CultureInfo.InvariantCulture)}, TTL {options.TimeToLive}");
        o.WriteLine();
        o.WriteLine("Cache statistics at the end of the workload (QueryCache.Statistics)");
        o.WriteLine($"  hits            {w.Hits,12:N0}");
        o.WriteLine($"  misses          {w.Misses,12:N0}");
        o.WriteLine($"  stores          {w.Stores,12:N0}");
        o.WriteLine($"  bypasses        {w.Bypasses,12:N0}   (reads inside transactions)");
        o.WriteLine($"  invalidations   {w.Invalidations,12:N0}   (version stamps replaced by committed writes)");
        o.WriteLine($"  hit ratio       {w.HitRatio,12:P1}");
        long workloadHits = hit.Count, workloadMisses = miss.Count;
        o.WriteLine($"  (these include the periodic freshness sweeps' re-reads; the workload's own reads alone: {workloadHits:N0} hits,");
        o.WriteLine($"   {workloadMisses:N0} misses, hit ratio {(double)workloadHits / Math.Max(workloadHits + workloadMisses, 1):P1})");
        o.WriteLine();
        o.WriteLine("Read latency, microseconds            count        p50        p99       mean");
        Row(o, "cached read, hit", hit);
        Row(o, "cached read, miss (runs + stores)", miss);
        Row(o, "same shapes uncached (NoCache())", uncached);
        var speedup = uncached.Percentile(0.5) / hit.Percentile(0.5);
        o.WriteLine($"  p50 speed-up of a hit over uncached: {speedup:N1}x");
        o.WriteLine();
        o.WriteLine("Per query shape at the end of the workload (QueryCache.Statistics.TopShapes; sweeps included)");
        o.WriteLine("     hits   misses  bypass  invalid.  entries  hit ratio  mean hit  mean miss (us)  shape");
        foreach (var s in r.Shapes)
        {
            o.WriteLine($"  {s.Hits,7:N0} {s.Misses,8:N0} {s.Bypasses,7:N0} {s.Invalidations,9:N0} {s.Entries,8:N0}  {s.HitRatio,9:P1}  {Us(Mean(s.MeanHitLatency)),8}  {Us(Mean(s.MeanMissLatency)),14}  {Trim(s.Shape, 150)}");
            if (s.LastRefusalReason is { } reason)
            {
                o.WriteLine($"  {"",86}last refusal: {reason}");
            }
        }

        o.WriteLine();
        o.WriteLine("Writes (all through the cached connection)                         count  p50 (us)  p99 (us)");
        foreach (var (name, count) in r.WriteCounts)
        {
            var l = r.WriteLatency[name];
            o.WriteLine($"  {Trim(name, 64),-64} {count,7:N0} {Us(l.Percentile(0.5)),9} {Us(l.Percentile(0.99)),9}");
        }

        o.WriteLine();
        o.WriteLine("Freshness check (cached answer vs the same query on a separate plain linq2db connection)");
        o.WriteLine($"  distinct cached answers       {r.DistinctCachedAnswers,10:N0}");
        o.WriteLine($"  comparisons                   {r.AnswersCompared,10:N0}   ({r.ComparedFromHits:N0} served from the cache; {r.Sweeps} sweeps incl. the final full one, {r.InlineChecks:N0} inline checks)");
        o.WriteLine($"  stale answers                 {r.Stale.Count,10:N0}   {(r.Stale.Count == 0 ? "PASS: every cached answer equals the database" : "FAIL")}");
        if (r.Stale.Count > 0)
        {
            PrintStale(o, r);
        }

        o.WriteLine("===============================================================");
    }

    private static void PrintStale(TextWriter o, RunResult r)
    {
        o.WriteLine();
        foreach (var group in r.Stale.GroupBy(s => s.Shape))
        {
            o.WriteLine($"  {group.Count()} stale answer(s) of '{group.Key}'");
        }

        foreach (var s in r.Stale.Take(5))
        {
            o.WriteLine();
            o.WriteLine($"  STALE '{s.Shape}' args {s.Args} (found at op {s.FoundAtOp:N0}, {(s.FromHit ? "served from the cache" : "not a hit")}, last miss at op {s.LastMissOp:N0})");
            o.WriteLine($"    cached: {Trim(s.Cached, 400)}");
            o.WriteLine($"    fresh:  {Trim(s.Fresh, 400)}");
            var writes = r.WriteLog.Where(x => x.Op > s.LastMissOp && x.Op <= s.FoundAtOp).ToList();
            o.WriteLine($"    {writes.Count} writes committed since that entry was stored; the last ones:");
            foreach (var (op, description) in writes.TakeLast(12))
            {
                o.WriteLine($"      op {op,8:N0}  {Trim(description, 150)}");
            }
        }
    }

    private static void Row(TextWriter o, string name, Latency l) =>
        o.WriteLine($"  {name,-34} {l.Count,9:N0} {Us(l.Percentile(0.5)),10} {Us(l.Percentile(0.99)),10} {Us(l.Mean),10}");

    private static string Us(double microseconds) => double.IsNaN(microseconds) ? "-" : microseconds.ToString(microseconds < 100 ? "N1" : "N0", CultureInfo.CurrentCulture);

    private static double Mean(TimeSpan mean) => mean == TimeSpan.Zero ? double.NaN : mean.TotalMicroseconds;

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";
}

namespace CacheBot.Redis.Worker;

/// <summary>Cumulative cache counters at one moment (Stopwatch timestamp, shared by every process on the machine).</summary>
public sealed record Bucket(long At, long Hits, long Misses, long Bypasses);

/// <summary>What one worker process did and saw; written as JSON to the file given with --out.</summary>
public sealed class WorkerResult
{
    public int Index { get; set; }
    public long Reads { get; set; }
    public long Writes { get; set; }
    public long RolledBack { get; set; }
    public long RefusedWrites { get; set; }
    public long WriteConflicts { get; set; }
    public long PartialCommits { get; set; }
    public long Inconclusive { get; set; }
    public long Hits { get; set; }
    public long Misses { get; set; }
    public long Bypasses { get; set; }
    public long Resyncs { get; set; }
    public double ElapsedSeconds { get; set; }
    public long StopwatchFrequency { get; set; }
    public List<Observation> Stale { get; set; } = [];
    public List<WriteEntry> WriteLog { get; set; } = [];
    public List<Bucket> Buckets { get; set; } = [];
    public List<string> Errors { get; set; } = [];
}

using System.Diagnostics;
using CacheBot.Linq;
using LinqToDB.Data;

namespace CacheBot.Demo;

/// <summary>
/// Latencies of the workload's own reads (the periodic sweeps excluded), for percentiles. Per-shape counts come from the
/// cache itself: <see cref="CacheStatistics.TopShapes"/>.
/// </summary>
public sealed class ReadLatencies
{
    public Latency Hit { get; } = new();

    public Latency Miss { get; } = new();

    public Latency Uncached { get; } = new();
}

/// <summary>What a run measured.</summary>
public sealed record RunResult(
    long Ops,
    long Reads,
    long WritesCount,
    TimeSpan Elapsed,
    CacheStatisticsSnapshot AtWorkloadEnd,
    CacheStatisticsSnapshot AtEnd,
    ReadLatencies Latencies,
    IReadOnlyList<QueryShapeStatistics> Shapes,
    IReadOnlyDictionary<string, long> WriteCounts,
    IReadOnlyDictionary<string, Latency> WriteLatency,
    int Sweeps,
    long AnswersCompared,
    long ComparedFromHits,
    long InlineChecks,
    int DistinctCachedAnswers,
    IReadOnlyList<StaleAnswer> Stale,
    IReadOnlyList<(long Op, string Description)> WriteLog,
    bool Interrupted);

/// <summary>A copy of <see cref="CacheStatistics"/> at one moment.</summary>
public sealed record CacheStatisticsSnapshot(long Hits, long Misses, long Stores, long Bypasses, long Invalidations, double HitRatio)
{
    public static CacheStatisticsSnapshot Of(CacheStatistics s) => new(s.Hits, s.Misses, s.Stores, s.Bypasses, s.Invalidations, s.HitRatio);
}

/// <summary>
/// Runs the mix of reads and writes on one cached connection, times cached reads against the same shapes run with
/// <c>NoCache()</c>, and checks cached answers against a separate plain linq2db connection.
/// </summary>
public sealed class Workload(DemoOptions options, DemoDatabase database, SeedSummary seed, TextWriter output)
{
    private const int UncachedSampleEvery = 8;
    private const double InlineCheckRate = 0.05;
    private const int PeriodicSweepLimit = 1_000;

    private readonly Dictionary<(int Shape, string Key), (QueryArgs Args, long LastMissOp)> _answers = [];
    private readonly List<StaleAnswer> _stale = [];
    private readonly List<(long Op, string Description)> _writeLog = [];
    private long _compared;
    private long _comparedFromHits;
    private long _writeConflicts;

    /// <summary>Gets or sets the cache options (scale-out: <c>UseRedis</c>); <see langword="null"/>: in-memory.</summary>
    public QueryCacheOptions? CacheOptions { get; init; }

    /// <summary>
    /// Gets or sets whether other processes write to the same database at the same time: a cached answer that differs from
    /// the database is then confirmed (database, cache, database again) before it counts as stale.
    /// </summary>
    public bool Concurrent { get; init; }

    /// <summary>Gets the writes that failed because another process wrote the same row first (concurrent mode).</summary>
    public long WriteConflicts => _writeConflicts;

    public RunResult Run(CancellationToken cancel)
    {
        var cacheOptions = CacheOptions ?? new QueryCacheOptions();
        cacheOptions.DefaultTimeToLive = options.TimeToLive;
        using var cache = new QueryCache(cacheOptions);
        // Two connections share the cache, like two request handlers of one app: all writes go through the first,
        // reads through either, so an entry stored by one connection must be invalidated by the other's writes.
        var options2 = database.CachedOptions(cache);
        using var cachedDb = new DataConnection(options2);
        using var otherDb = new DataConnection(options2);
        using var plainDb = new DataConnection(database.PlainOptions());
        var cached = new Tables(cachedDb, RunMode.Cached);
        _cachedForConfirm = cached;
        var noCache = new Tables(cachedDb, RunMode.NoCache);
        var cachedOther = new Tables(otherDb, RunMode.Cached);
        var noCacheOther = new Tables(otherDb, RunMode.NoCache);
        var plain = new Tables(plainDb, RunMode.Plain);
        var state = new WorkloadState(options, seed);
        var rng = state.Rng;
        var checkRng = new Random(options.Seed + 2);

        var shapes = QueryShapes.All;
        var writes = Writes.All;
        var latencies = new ReadLatencies();
        var writeCounts = writes.ToDictionary(w => w.Name, _ => 0L);
        var writeLatency = writes.ToDictionary(w => w.Name, _ => new Latency());
        var shapePicker = new WeightedPicker(shapes.Select(s => s.Weight));
        var writePicker = new WeightedPicker(writes.Select(w => w.Weight));

        var duration = options.Duration ?? (options.Ops is null ? DemoOptions.DefaultDuration : TimeSpan.MaxValue);
        var maxOps = options.Ops ?? long.MaxValue;
        var progress = new Progress(output, cache.Statistics, () => _stale.Count);
        var clock = Stopwatch.StartNew();
        long ops = 0, reads = 0, writeOps = 0, inlineChecks = 0;
        var sweeps = 0;

        while (ops < maxOps && clock.Elapsed < duration && !cancel.IsCancellationRequested)
        {
            ops++;
            if (rng.NextDouble() < options.WriteRatio)
            {
                var index = writePicker.Next(rng);
                var write = writes[index];
                writeOps++;
                writeCounts[write.Name]++;
                var start = Stopwatch.GetTimestamp();
                string description;
                try
                {
                    description = write.Run(cached, state);
                }
                catch (Exception e) when (Concurrent && e is LinqToDB.LinqToDBException or System.Data.Common.DbException or CacheBotException)
                {
                    // Another process inserted the same link row, or Redis refused the write (it was not committed).
                    _writeConflicts++;
                    if (cachedDb.Transaction is not null)
                    {
                        cachedDb.RollbackTransaction();
                    }

                    continue;
                }

                writeLatency[write.Name].Add(start, Stopwatch.GetTimestamp());
                _writeLog.Add((ops, write.Name + ": " + description));
            }
            else
            {
                reads++;
                var index = shapePicker.Next(rng);
                var shape = shapes[index];
                var args = shape.NextArgs(state);
                var (hits, misses) = (cache.Statistics.Hits, cache.Statistics.Misses);
                var start = Stopwatch.GetTimestamp();
                var other = (reads & 1) == 0;
                var result = shape.Run(other ? cachedOther : cached, args);
                var end = Stopwatch.GetTimestamp();
                var key = (index, args.Key);
                if (cache.Statistics.Hits > hits)
                {
                    latencies.Hit.Add(start, end);
                    _answers.TryAdd(key, (args, 0));
                    if (checkRng.NextDouble() < InlineCheckRate)
                    {
                        inlineChecks++;
                        Compare(shape, index, args, result, fromHit: true, plain, ops);
                    }
                }
                else if (cache.Statistics.Misses > misses)
                {
                    latencies.Miss.Add(start, end);
                    _answers[key] = (args, ops);
                }

                if (reads % UncachedSampleEvery == 0)
                {
                    start = Stopwatch.GetTimestamp();
                    _ = shape.Run(other ? noCacheOther : noCache, args);
                    latencies.Uncached.Add(start, Stopwatch.GetTimestamp());
                }
            }

            if (options.CheckEvery > 0 && ops % options.CheckEvery == 0)
            {
                clock.Stop(); // the sweep is a check, not workload: keep it out of the run time and ops/s
                Sweep(cache, cached, plain, ops, PeriodicSweepLimit, checkRng);
                sweeps++;
                clock.Start();
            }

            if ((ops & 63) == 0)
            {
                progress.Tick(clock.Elapsed, ops, writeOps);
            }
        }

        var elapsed = clock.Elapsed;
        progress.Done(elapsed, ops, writeOps);
        var atWorkloadEnd = CacheStatisticsSnapshot.Of(cache.Statistics);
        var topShapes = cache.Statistics.TopShapes(QueryShapes.All.Count + 4);

        output.WriteLine($"Final freshness sweep over {_answers.Count:N0} distinct cached answers...");
        Sweep(cache, cached, plain, ops, int.MaxValue, checkRng);
        sweeps++;

        return new RunResult(
            ops, reads, writeOps, elapsed, atWorkloadEnd, CacheStatisticsSnapshot.Of(cache.Statistics), latencies, topShapes, writeCounts, writeLatency,
            sweeps, _compared, _comparedFromHits, inlineChecks, _answers.Count, _stale, _writeLog, cancel.IsCancellationRequested);
    }

    /// <summary>
    /// Runs every shape and write once or twice on a throwaway cache (writes inside rolled-back transactions) so JIT and
    /// linq2db's query compilation do not land in the measured run.
    /// </summary>
    public void WarmUp()
    {
        var clock = Stopwatch.StartNew();
        using var cache = new QueryCache(new QueryCacheOptions());
        using var db = new DataConnection(database.CachedOptions(cache));
        using var plainDb = new DataConnection(database.PlainOptions());
        var cached = new Tables(db, RunMode.Cached);
        var noCache = new Tables(db, RunMode.NoCache);
        var plain = new Tables(plainDb, RunMode.Plain);
        var state = new WorkloadState(options with { Seed = options.Seed + 100 }, seed);
        for (var round = 0; round < 2; round++)
        {
            foreach (var shape in QueryShapes.All)
            {
                var args = shape.NextArgs(state);
                _ = Canonical.Of(shape.Run(cached, args));
                _ = shape.Run(cached, args);
                _ = shape.Run(noCache, args);
                _ = Canonical.Of(shape.Run(plain, args));
            }

            foreach (var write in Writes.All.Where(w => !w.Name.StartsWith("transaction", StringComparison.Ordinal)))
            {
                using var tx = db.BeginTransaction();
                _ = write.Run(cached, state);
                tx.Rollback();
            }
        }

        output.WriteLine($"Warmed up (JIT, linq2db query compilation) in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Reads every (or a sample of) cached answers through the cache again and compares each with the database.</summary>
    private void Sweep(QueryCache cache, Tables cached, Tables plain, long op, int limit, Random rng)
    {
        var keys = _answers.ToList();
        if (keys.Count > limit)
        {
            keys = keys.OrderBy(_ => rng.Next()).Take(limit).ToList();
        }

        foreach (var ((index, _), (args, _)) in keys)
        {
            var shape = QueryShapes.All[index];
            var hits = cache.Statistics.Hits;
            var result = shape.Run(cached, args);
            Compare(shape, index, args, result, cache.Statistics.Hits > hits, plain, op);
        }
    }

    private void Compare(QueryShape shape, int index, QueryArgs args, object? cachedResult, bool fromHit, Tables plain, long op) =>
        Compare(shape, index, args, cachedResult, fromHit, plain, op, _cachedForConfirm);

    private Tables? _cachedForConfirm;

    private void Compare(QueryShape shape, int index, QueryArgs args, object? cachedResult, bool fromHit, Tables plain, long op, Tables? cached)
    {
        _compared++;
        if (fromHit)
        {
            _comparedFromHits++;
        }

        var cachedText = Canonical.Of(cachedResult);
        var freshText = Canonical.Of(shape.Run(plain, args));
        if (Concurrent && !string.Equals(cachedText, freshText, StringComparison.Ordinal))
        {
            // Another process may have written between the two reads: confirm with database, cache, database. Only an
            // answer that differs from a database that did not change around it is stale.
            cachedText = freshText; // inconclusive unless a confirmation below says otherwise
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var before = Canonical.Of(shape.Run(plain, args));
                var again = Canonical.Of(shape.Run(cached!, args));
                var after = Canonical.Of(shape.Run(plain, args));
                if (before == after)
                {
                    (cachedText, freshText) = (again, before);
                    break;
                }
            }
        }

        if (!string.Equals(cachedText, freshText, StringComparison.Ordinal))
        {
            var lastMiss = _answers.TryGetValue((index, args.Key), out var entry) ? entry.LastMissOp : -1;
            _stale.Add(new StaleAnswer(shape.Name, args, fromHit, cachedText, freshText, op, lastMiss));
        }
    }
}

/// <summary>Picks an index with probability proportional to its weight.</summary>
public sealed class WeightedPicker(IEnumerable<int> weights)
{
    private readonly int[] _cumulative = Cumulate(weights);

    public int Next(Random rng)
    {
        var x = rng.Next(_cumulative[^1]);
        var i = Array.BinarySearch(_cumulative, x + 1);
        return i < 0 ? ~i : i;
    }

    private static int[] Cumulate(IEnumerable<int> weights)
    {
        var sum = 0;
        return weights.Select(w => sum += w).ToArray();
    }
}

/// <summary>Prints progress: one updating line on a terminal, a line every two seconds otherwise.</summary>
public sealed class Progress(TextWriter output, CacheStatistics statistics, Func<int> staleCount)
{
    private readonly bool _terminal = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
    private TimeSpan _last;
    private long _lastOps;

    public void Tick(TimeSpan elapsed, long ops, long writes)
    {
        var interval = _terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        if (elapsed - _last < interval)
        {
            return;
        }

        var rate = (ops - _lastOps) / (elapsed - _last).TotalSeconds;
        _last = elapsed;
        _lastOps = ops;
        Write(elapsed, ops, writes, rate);
    }

    public void Done(TimeSpan elapsed, long ops, long writes)
    {
        Write(elapsed, ops, writes, ops / Math.Max(elapsed.TotalSeconds, 1e-9), final: true);
        if (_terminal)
        {
            output.WriteLine();
        }
    }

    private void Write(TimeSpan elapsed, long ops, long writes, double rate, bool final = false)
    {
        var line = $"  {elapsed.TotalSeconds,5:F1} s  ops {ops,9:N0}  {rate,8:N0} ops/s{(final ? " avg" : "    ")}  hit ratio {statistics.HitRatio,6:P1}  " +
                   $"writes {writes,7:N0}  invalidations {statistics.Invalidations,8:N0}  stale {staleCount()}";
        if (_terminal)
        {
            output.Write("\r" + line);
        }
        else
        {
            output.WriteLine(line);
        }
    }
}

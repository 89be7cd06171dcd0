using CacheBot.Redis.Tests.Infrastructure;

namespace CacheBot.Redis.Tests.MultiProcess;

public sealed class SqliteMultiProcessTests : MultiProcessTests
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresMultiProcessTests : MultiProcessTests
{
    protected override string Provider => "postgres";
}

/// <summary>
/// The multi-process differential test: three OS processes, each with its own QueryCache on the shared Redis and the same
/// database, random reads over linq2db query shapes and random writes through every tracked write path. Every cached answer
/// is checked against the truth read just before the cached read started (Worker/Checker.cs). Strict: no stale answer over
/// 3 x 3,500 operations per database, 21,000 on SQLite and PostgreSQL together (CACHEBOT_REDIS_MP_OPS per process).
/// Bounded: every provably missed write
/// committed less than MaxStaleness before the read that missed it.
/// </summary>
[Collection(MultiProcessRuns.Name)]
public abstract class MultiProcessTests
{
    protected abstract string Provider { get; }

    private static int OpsPerWorker => int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_REDIS_MP_OPS"), out var ops) ? ops : 3_500;

    [Fact]
    public async Task StrictMode_ThreeProcesses_NoCachedAnswerIsOlderThanTheTruthBeforeIt()
    {
        var redis = TestRedis.Require();
        using var run = new WorkerRun(Provider);
        var results = await run.RunAsync(new RunSettings(Provider, redis, Workers: 3, OpsPerWorker: OpsPerWorker));
        var analysis = new RunAnalysis(results);
        var summary = analysis.Summary($"{Provider} strict");
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);

        Assert.Empty(analysis.Errors);
        Assert.True(analysis.Stale.Count == 0, summary + "\n" + string.Join("\n", analysis.Stale.Take(10)));
        Assert.True(analysis.Operations >= 3 * OpsPerWorker * 0.99, summary);
        Assert.True(analysis.Hits > analysis.Reads / 20, "the workload barely hit the cache: " + summary);
    }

    [Fact]
    public async Task StrictModeWithSharedResults_ThreeProcesses_NoCachedOrSharedAnswerIsStale()
    {
        var redis = TestRedis.Require();
        using var run = new WorkerRun(Provider);
        var results = await run.RunAsync(new RunSettings(Provider, redis, Workers: 3, OpsPerWorker: Math.Max(500, OpsPerWorker / 3)) { Extra = ["--share", "1"] });
        var analysis = new RunAnalysis(results);
        var summary = analysis.Summary($"{Provider} strict, shared results");
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);

        Assert.Empty(analysis.Errors);
        Assert.True(analysis.Stale.Count == 0, summary + "\n" + string.Join("\n", analysis.Stale.Take(10)));
    }

    [Fact]
    public async Task BoundedMode_EveryMissedWriteCommittedWithinMaxStalenessOfTheRead()
    {
        var redis = TestRedis.Require();
        const int staleness = 100;
        using var run = new WorkerRun(Provider);
        var results = await run.RunAsync(new RunSettings(Provider, redis, Workers: 3, OpsPerWorker: Math.Max(500, OpsPerWorker / 2), StalenessMs: staleness));
        var analysis = new RunAnalysis(results);
        var lags = analysis.Lags();
        var worst = lags.Where(l => l.Lag is not null).Select(l => l.Lag!.Value).DefaultIfEmpty(TimeSpan.Zero).Max();
        var summary = analysis.Summary($"{Provider} bounded {staleness} ms") +
            $"; stale answers with a named missed write {lags.Count(l => l.Lag is not null)}, worst lag {worst.TotalMilliseconds:F1} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);

        Assert.Empty(analysis.Errors);
        Assert.True(worst < TimeSpan.FromMilliseconds(staleness), summary + "\n" + string.Join("\n", lags.Where(l => l.Lag >= TimeSpan.FromMilliseconds(staleness)).Take(10)));
        Assert.All(lags, l => Assert.True(l.Observation.Kind != "wrong-content", l.Observation.ToString()));
    }
}

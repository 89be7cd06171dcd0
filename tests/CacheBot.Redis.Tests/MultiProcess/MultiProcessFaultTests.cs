using System.Diagnostics;
using CacheBot.Redis.Tests.Infrastructure;

namespace CacheBot.Redis.Tests.MultiProcess;

public sealed class SqliteMultiProcessFaultTests : MultiProcessFaultTests
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresMultiProcessFaultTests : MultiProcessFaultTests
{
    protected override string Provider => "postgres";
}

/// <summary>
/// Guarantee 3 across processes: three workers run the differential workload on a Redis of the test's own while it is
/// killed and restarted, paused (CLIENT PAUSE ALL), one process's connections are killed (CLIENT KILL ID, found by client
/// name) while the others keep theirs, and it is flushed. No stale answer; the hit ratio returns after each fault.
/// </summary>
[Collection(MultiProcessRuns.Name)]
public abstract class MultiProcessFaultTests
{
    protected abstract string Provider { get; }

    [Fact]
    public async Task Faults_DuringAThreeProcessRun_NoStaleAnswer_AndTheHitRatioRecovers()
    {
        using var server = RedisServer.Start();
        using var run = new WorkerRun(Provider);
        var faults = new List<(string Name, long Start, long End)>();
        var settings = new RunSettings(Provider, server.Configuration, Workers: 3, Duration: TimeSpan.FromMinutes(5))
        {
            UntilStopped = true,
            Extra = ["--read-timeout-ms", "300", "--write-timeout-ms", "1000", "--lease-ms", "3000"],
        };
        var results = await run.RunAsync(settings, async ct =>
        {
            await run.WaitUntilReadyAsync(settings.Workers, ct);
            await Task.Delay(4000, ct);
            var start = Stopwatch.GetTimestamp();
            server.Kill();
            await Task.Delay(1000, ct);
            server.Launch();
            faults.Add(("kill -9 and restart", start, Stopwatch.GetTimestamp()));
            await Task.Delay(4000, ct);

            start = Stopwatch.GetTimestamp();
            server.Admin.Execute("CLIENT", "PAUSE", "1500", "ALL");
            await Task.Delay(1500, ct);
            faults.Add(("CLIENT PAUSE 1500 ALL", start, Stopwatch.GetTimestamp()));
            await Task.Delay(4000, ct);

            start = Stopwatch.GetTimestamp();
            Assert.True(server.KillClients("worker0") >= 1);
            faults.Add(("CLIENT KILL worker0", start, Stopwatch.GetTimestamp()));
            await Task.Delay(4000, ct);

            start = Stopwatch.GetTimestamp();
            server.Admin.Execute("FLUSHALL");
            faults.Add(("FLUSHALL", start, Stopwatch.GetTimestamp()));
            await Task.Delay(8000, ct);
            run.Stop();
        });

        var analysis = new RunAnalysis(results);
        var lines = new List<string> { analysis.Summary($"{Provider} faults") };
        var unrecovered = new List<string>();
        foreach (var (name, start, end) in faults)
        {
            // Baseline: the five seconds before the fault (at least 20 cached reads, else it cannot be judged on a busy machine).
            var before = analysis.HitRatioBetween(start - (5 * Stopwatch.Frequency), start, out var reads);
            if (reads < 20 || before < 0.05)
            {
                lines.Add($"  {name}: too few cached reads or hits before it to judge ({reads} reads, hit ratio {before:P1})");
                continue;
            }

            var recovery = analysis.RecoveryAfter(end, 0.7 * before, TimeSpan.FromSeconds(8));
            lines.Add($"  {name}: hit ratio before {before:P1}, back to 70 % of it {(recovery is { } r ? $"{r.TotalSeconds:F1} s after" : "not within 8 s")}");
            if (recovery is null)
            {
                unrecovered.Add(name);
            }
        }

        var report = string.Join("\n", lines);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);
        Assert.True(analysis.Errors.Count == 0, report + "\n" + string.Join("\n", analysis.Errors.Take(5)));

        // Whatever the machine's load: after the last fault every process hits again.
        foreach (var result in results)
        {
            var after = result.Buckets.Where(b => b.At >= faults[^1].End).ToList();
            var readsAfter = after.Count < 2 ? 0 : after[^1].Hits + after[^1].Misses + after[^1].Bypasses - (after[0].Hits + after[0].Misses + after[0].Bypasses);
            Assert.True(readsAfter < 50 || after[^1].Hits > after[0].Hits, $"worker {result.Index} never hit again after the last fault ({readsAfter} reads)");
        }


        Assert.True(analysis.Stale.Count == 0, report + "\n" + string.Join("\n", analysis.Stale.Take(10)));
        Assert.True(unrecovered.Count == 0, report);
    }
}

using System.Diagnostics;
using System.Globalization;
using CacheBot.Linq;
using CacheBot.Redis;
using LinqToDB;
using LinqToDB.DataProvider.SQLite;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// <c>--redis-worker</c>: one OS process of the scale-out hit-ratio run (<see cref="RedisScaleOutMode"/> starts them). Runs
/// <c>--ops</c> steps of <see cref="SharedDatabaseZipfWorkload"/> on the SQLite file <c>--db</c> with its own cache on the
/// shared Redis (<c>--prefix</c>, <c>--share 0|1</c>), waiting for <c>--go</c> to exist first, and prints one line:
/// <c>RESULT hits misses bypasses stores distinct milliseconds</c>.
/// </summary>
internal static class RedisScaleOutWorker
{
    public static void Run(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        var ops = int.Parse(Arg("--ops"), CultureInfo.InvariantCulture);
        var seed = int.Parse(Arg("--seed"), CultureInfo.InvariantCulture);
        var share = Arg("--share") == "1";
        using var cache = new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(BenchRedis.Configuration, r =>
        {
            r.KeyPrefix = Arg("--prefix");
            r.ShareResults = share;
        }));
        var options = new DataOptions().UseSQLite("Data Source=" + Arg("--db") + ";Default Timeout=60", SQLiteProvider.Microsoft);
        using var workload = new SharedDatabaseZipfWorkload(cache, options, seed);
        var go = Arg("--go");
        while (!File.Exists(go))
        {
            Thread.Sleep(5);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < ops; i++)
        {
            workload.Step();
        }

        var s = cache.Statistics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {s.Hits} {s.Misses} {s.Bypasses} {s.Stores} {workload.DistinctQueries} {clock.ElapsedMilliseconds}"));
    }

    /// <summary>Starts <paramref name="processes"/> workers on <paramref name="database"/>, each doing its share of <paramref name="ops"/>; sums their figures.</summary>
    public static (long Hits, long Misses, long Bypasses, long Stores, long Distinct, TimeSpan Elapsed) RunProcesses(
        SharedSqliteFile database, int processes, int ops, bool share)
    {
        var prefix = BenchRedis.NewPrefix("os" + processes);
        var go = Path.Combine(database.Directory, "go-" + prefix.TrimEnd(':'));
        var children = new List<Process>();
        for (var i = 0; i < processes; i++)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var arg in new[]
            {
                typeof(RedisScaleOutWorker).Assembly.Location, "--redis-worker", "--ops", (ops / processes).ToString(CultureInfo.InvariantCulture),
                "--seed", (1 + i).ToString(CultureInfo.InvariantCulture), "--share", share ? "1" : "0", "--prefix", prefix,
                "--db", database.File, "--go", go,
            })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["CACHEBOT_BENCH_REDIS"] = BenchRedis.Configuration;
            children.Add(Process.Start(start)!);
        }

        Thread.Sleep(TimeSpan.FromSeconds(3)); // connected and JIT-warm enough to start together
        File.WriteAllText(go, "go");
        long hits = 0, misses = 0, bypasses = 0, stores = 0, distinct = 0, milliseconds = 0;
        foreach (var child in children)
        {
            var line = child.StandardOutput.ReadToEnd().Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("a scale-out worker reported nothing (exit code " + child.ExitCode + ")");
            child.WaitForExit();
            var f = line.Split(' ').Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            (hits, misses, bypasses, stores, distinct, milliseconds) = (hits + f[0], misses + f[1], bypasses + f[2], stores + f[3], distinct + f[4], Math.Max(milliseconds, f[5]));
            child.Dispose();
        }

        return (hits, misses, bypasses, stores, distinct, TimeSpan.FromMilliseconds(milliseconds));
    }
}

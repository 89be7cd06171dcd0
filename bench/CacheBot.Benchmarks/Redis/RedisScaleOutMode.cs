using System.Diagnostics;
using System.Globalization;
using System.Text;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Benchmarks.Precision;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Redis;
using StackExchange.Redis;

namespace CacheBot.Benchmarks.Redis;

/// <summary>
/// <c>--redis</c>: what BenchmarkDotNet cannot measure for the scale-out. Redis commands per committed transaction by row
/// count (INFO commandstats), Redis memory for 100k cached queries, and the hit ratio of three caches ("processes",
/// each with its own connection) sharing one Redis on the Zipf workload against one cache doing the same number of
/// operations. Writes <c>bench/results/redis.md</c>.
/// </summary>
internal static class RedisScaleOutMode
{
    public static void Run(string results, bool quick)
    {
        var report = new StringBuilder();
        report.AppendLine("# CacheBot.Redis: commands, memory, hit ratio across processes").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/CacheBot.Benchmarks -- --redis` against Redis at {BenchRedis.Configuration}, {DateTime.UtcNow:yyyy-MM-dd}.").AppendLine();
        using var admin = ConnectionMultiplexer.Connect(BenchRedis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);

        report.AppendLine("## Redis commands per committed transaction").AppendLine();
        report.AppendLine("| Rows written | EVALSHA per transaction | all commands per transaction | payload bytes (entry) |").AppendLine("|---:|---:|---:|---:|");
        foreach (var rows in new[] { 1, 10, 100, 1000 })
        {
            using var cache = new QueryCache(new QueryCacheOptions().UseRedis(BenchRedis.Configuration, r => r.KeyPrefix = BenchRedis.NewPrefix("cmd")));
            var table = TableModel.ForName("bench", null, "Photos");
            WriteRecord[] writes = [.. Enumerable.Range(0, rows).Select(i => WriteRecord.ForImages(table, null, new RowValues([new("Id", (long)i), new("UserId", 5L), new("Title", "photo " + i)])))];
            cache.BeginCommit([WriteRecord.ForTable(table)]).Complete(writes); // scripts loaded
            var (evalBefore, allBefore) = Commands(server);
            const int transactions = 50;
            for (var t = 0; t < transactions; t++)
            {
                cache.BeginCommit([WriteRecord.ForTable(table)]).Complete(writes);
            }

            var (evalAfter, allAfter) = Commands(server);
            var payload = CacheBot.Redis.Serialization.WriteCodec.Encode(writes, 64 * 1024).Length;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {rows} | {(evalAfter - evalBefore) / (double)transactions:F2} | {(allAfter - allBefore) / (double)transactions:F2} | {payload:N0} |");
        }

        report.AppendLine().AppendLine("Two scripts per transaction: the announcement before the commit and the publish after it (one round trip each, whatever the row count; above 64 KiB the entry becomes table writes). \"All commands\" includes the connections' heartbeats.").AppendLine();

        report.AppendLine("## Redis memory for 100k cached queries").AppendLine();
        {
            var prefix = BenchRedis.NewPrefix("memory");
            var before = UsedMemory(server);
            using var cache = new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(BenchRedis.Configuration, r =>
            {
                r.KeyPrefix = prefix;
                r.MaxStaleness = TimeSpan.FromMinutes(5);
            }));
            var source = new EmptyQueryable<Photo>().AsCacheBot(cache);
            CorePopulation.PopulateWhere(cache, source, 100_000);
            CorePopulation.RequireStored(cache, 100_000);
            var after = UsedMemory(server);
            report.AppendLine(CultureInfo.InvariantCulture, $"used_memory before {before:N0} B, after caching 100,000 queries {after:N0} B: {after - before:N0} B (the process holds the entries; Redis holds the log and the meta hash only).").AppendLine();
        }

        HitRatioAcrossProcesses(report, quick ? 6_000 : 30_000);

        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "redis.md"), report.ToString());
        Console.WriteLine(report);
    }

    /// <summary>
    /// One cache against three ("processes": each its own QueryCache, Redis connection and database connection, in this
    /// process) on the same operations: the Zipf workload through linq2db on one SQLite file (WAL, on tmpfs when there is
    /// one), strict Redis, with and without shared results. The three run the same number of operations in total,
    /// round-robin, with their own random streams.
    /// </summary>
    private static void HitRatioAcrossProcesses(StringBuilder report, int ops)
    {
        report.AppendLine("## Hit ratio: three processes sharing Redis vs one process (Zipf workload, linq2db on one SQLite file)").AppendLine();
        report.AppendLine("| Setup | Operations | Hit ratio | vs one | Hits | Misses | From shared results | Distinct queries read (sum) | Time |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double one = 0;
        foreach (var (processes, share) in new[] { (1, false), (3, false), (3, true) })
        {
            using var database = SharedSqliteFile.Create();
            var prefix = BenchRedis.NewPrefix("zipf" + processes);
            var caches = Enumerable.Range(0, processes).Select(_ => new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(BenchRedis.Configuration, r =>
            {
                r.KeyPrefix = prefix;
                r.ShareResults = share;
            }))).ToArray();
            var workloads = caches.Select((c, i) => new SharedDatabaseZipfWorkload(c, database.Options, seed: 1 + i)).ToArray();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < ops; i++)
            {
                workloads[i % processes].Step();
            }

            var elapsed = clock.Elapsed;
            var hits = caches.Sum(c => c.Statistics.Hits);
            var misses = caches.Sum(c => c.Statistics.Misses);
            var lookups = caches.Sum(c => c.Statistics.Hits + c.Statistics.Misses + c.Statistics.Bypasses);

            // A hit answered from a shared result is stored locally without a miss: stores beyond misses.
            var shared = caches.Sum(c => c.Statistics.Stores - c.Statistics.Misses);
            var ratio = hits / (double)lookups;
            one = processes == 1 ? ratio : one;
            var setup = processes == 1 ? "one process" : $"three processes{(share ? ", ShareResults" : "")}, round-robin";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {setup} | {ops:N0} | {ratio:P1} | x{ratio / one:F2} | {hits:N0} | {misses:N0} | {shared:N0} | {workloads.Sum(w => w.DistinctQueries):N0} | {elapsed.TotalSeconds:F1} s |");
            foreach (var workload in workloads)
            {
                workload.Dispose();
            }

            foreach (var cache in caches)
            {
                cache.Dispose();
            }
        }

        report.AppendLine().AppendLine("The same in separate OS processes (`--redis-worker`), running concurrently, each its share of the operations:").AppendLine();
        report.AppendLine("| Setup | Operations | Hit ratio | vs one | Hits | Misses | From shared results | Distinct queries read (sum) | Time (slowest process) |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double oneProcess = 0;
        foreach (var (processes, share) in new[] { (1, false), (3, false), (3, true) })
        {
            using var database = SharedSqliteFile.Create();
            var (hits, misses, bypasses, stores, distinct, elapsed) = RedisScaleOutWorker.RunProcesses(database, processes, ops, share);
            var ratio = hits / (double)(hits + misses + bypasses);
            oneProcess = processes == 1 ? ratio : oneProcess;
            var setup = processes == 1 ? "one OS process" : $"three OS processes{(share ? ", ShareResults" : "")}";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {setup} | {ops:N0} | {ratio:P1} | x{ratio / oneProcess:F2} | {hits:N0} | {misses:N0} | {stores - misses:N0} | {distinct:N0} | {elapsed.TotalSeconds:F1} s |");
        }

        report.AppendLine().AppendLine(
            "Target: three processes at least 0.90x one process. \"Distinct queries read\" counts each process's first read of each "
            + "query (shape and parameters): without shared results every one of them is a miss in that process, so three processes pay "
            + "the cold misses of every query up to three times. With ShareResults a local miss first reads Redis and is a hit when "
            + "another process's result is still valid for this process (same epoch, its schemes registered before the result was read, "
            + "no dependency moved since). The first table's three \"processes\" are three caches with their own Redis and database "
            + "connections in one OS process, taking turns (round-robin); the second table runs real OS processes at the same time.");
    }

    private static (long Evalsha, long All) Commands(IServer server)
    {
        long evalsha = 0, all = 0;
        foreach (var group in server.Info("commandstats"))
        {
            foreach (var pair in group)
            {
                var calls = long.Parse(pair.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
                all += calls;
                if (pair.Key is "cmdstat_evalsha" or "cmdstat_eval")
                {
                    evalsha += calls;
                }
            }
        }

        return (evalsha, all);
    }

    private static long UsedMemory(IServer server)
    {
        foreach (var group in server.Info("memory"))
        {
            foreach (var pair in group)
            {
                if (pair.Key == "used_memory")
                {
                    return long.Parse(pair.Value, CultureInfo.InvariantCulture);
                }
            }
        }

        return 0;
    }
}

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

        report.AppendLine("## Hit ratio: three processes sharing Redis vs one process (Zipf workload)").AppendLine();
        var ops = quick ? 6_000 : 30_000;
        {
            var prefix = BenchRedis.NewPrefix("zipf1");
            using var single = new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(BenchRedis.Configuration, r => r.KeyPrefix = prefix));
            var workload = new ZipfWorkload(single, seed: 1);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < ops; i++)
            {
                workload.Step();
            }

            var oneRatio = single.Statistics.HitRatio;
            var oneTime = clock.Elapsed;
            report.AppendLine("| Setup | Operations | Hit ratio | Time |").AppendLine("|---|---:|---:|---:|");
            report.AppendLine(CultureInfo.InvariantCulture, $"| one process (strict Redis) | {ops:N0} | {oneRatio:P1} | {oneTime.TotalSeconds:F1} s |");
            foreach (var share in new[] { false, true })
            {
                var prefix3 = BenchRedis.NewPrefix("zipf3");
                var caches = Enumerable.Range(0, 3).Select(_ => new QueryCache(new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(BenchRedis.Configuration, r =>
                {
                    r.KeyPrefix = prefix3;
                    r.ShareResults = share;
                }))).ToArray();
                var workloads = caches.Select((c, i) => new ZipfWorkload(c, seed: 1 + i)).ToArray();
                clock.Restart();
                for (var i = 0; i < ops; i++)
                {
                    workloads[i % 3].Step();
                }

                var hits = caches.Sum(c => c.Statistics.Hits);
                var lookups = caches.Sum(c => c.Statistics.Hits + c.Statistics.Misses + c.Statistics.Bypasses);
                var threeRatio = hits / (double)lookups;
                report.AppendLine(CultureInfo.InvariantCulture, $"| three processes sharing Redis (strict{(share ? ", ShareResults" : "")}), round-robin | {ops:N0} | {threeRatio:P1} (x{threeRatio / oneRatio:F2}) | {clock.Elapsed.TotalSeconds:F1} s |");
                foreach (var cache in caches)
                {
                    cache.Dispose();
                }
            }

            report.AppendLine().AppendLine("Target: three processes at least 0.90x one process. Without shared results each process fills its own entries, so each cold key misses once per process; with them a miss is answered from another process's result when it is still valid.");
        }

        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "redis.md"), report.ToString());
        Console.WriteLine(report);
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

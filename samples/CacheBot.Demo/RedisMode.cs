using System.Diagnostics;
using CacheBot.Linq;
using CacheBot.Redis;
using StackExchange.Redis;

namespace CacheBot.Demo;

/// <summary>
/// <c>--redis &lt;config&gt; --processes N</c>: the parent checks that Redis answers, creates and seeds one database that
/// every process shares (a SQLite file in WAL mode, or a PostgreSQL schema), starts N copies of the demo that each run the
/// workload with their own <see cref="QueryCache"/> on that Redis (strict: shared invalidation), and prints each one's
/// report. Each process checks its cached answers against the database (confirming any difference around concurrent
/// writes of the other processes), so the exit code is 0 only when no process saw a stale answer.
/// </summary>
public static class RedisMode
{
    public static async Task<int> RunParentAsync(DemoOptions options, CancellationToken cancel)
    {
        Console.WriteLine($"CacheBot for LINQ demo, scale-out: {options.Processes} processes sharing Redis at {options.Redis}");
        if (Unreachable(options.Redis!) is { } problem)
        {
            Console.Error.WriteLine($"error: cannot reach Redis at {options.Redis}: {problem}");
            Console.Error.WriteLine("Start one (redis-server --port 6379 --save \"\" --appendonly no) or pass another --redis address.");
            return 1;
        }

        var directory = Directory.CreateTempSubdirectory("cachebot-demo-");
        DemoDatabase database;
        string shared;
        if (options.PostgresConnectionString is { } pg)
        {
            database = DemoDatabase.CreatePostgres(pg);
            shared = database.Schema!;
        }
        else
        {
            shared = Path.Combine(directory.FullName, "demo.db");
            database = DemoDatabase.OpenSqliteFile(shared, create: true);
        }

        try
        {
            using (database)
            {
                var clock = Stopwatch.StartNew();
                var seed = database.CreateAndSeed(options);
                Console.WriteLine($"Seeded {seed} into {database.Description} in {clock.Elapsed.TotalSeconds:F1} s");
                var prefix = "demo-" + Guid.NewGuid().ToString("N")[..8] + ":";
                var children = new List<(Process Process, Task<string> Output)>();
                for (var i = 0; i < options.Processes; i++)
                {
                    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                    {
                        start.ArgumentList.Add(typeof(RedisMode).Assembly.Location);
                    }

                    foreach (var arg in Environment.GetCommandLineArgs().Skip(1))
                    {
                        start.ArgumentList.Add(arg);
                    }

                    foreach (var arg in new[] { "--child", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shared-db", shared, "--redis-prefix", prefix })
                    {
                        start.ArgumentList.Add(arg);
                    }

                    var process = Process.Start(start)!;
                    children.Add((process, ReadAllAsync(process)));
                }

                Console.WriteLine($"Started {children.Count} processes (key prefix {prefix}); their reports follow when they finish.");
                var exit = 0;
                for (var i = 0; i < children.Count; i++)
                {
                    var (process, output) = children[i];
                    await process.WaitForExitAsync(cancel);
                    Console.WriteLine();
                    Console.WriteLine($"############ process {i} (exit code {process.ExitCode}) ############");
                    Console.Write(await output);
                    exit = Math.Max(exit, process.ExitCode);
                }

                Console.WriteLine();
                Console.WriteLine(exit == 0
                    ? $"All {children.Count} processes finished without a stale answer."
                    : "At least one process reported a stale answer or failed (see its report above).");
                return exit;
            }
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static int RunChild(DemoOptions options, CancellationToken cancel)
    {
        using var database = options.PostgresConnectionString is { } pg
            ? DemoDatabase.AttachPostgres(pg, options.SharedDatabase!)
            : DemoDatabase.OpenSqliteFile(options.SharedDatabase!, create: false);
        var seed = database.CountSeed();
        var cacheOptions = new QueryCacheOptions().UseRedis(options.Redis! + ",name=demo" + options.ChildIndex, r => r.KeyPrefix = options.RedisPrefix!);
        var workload = new Workload(options with { Seed = options.Seed + (1000 * options.ChildIndex!.Value) }, database, seed, TextWriter.Null)
        {
            CacheOptions = cacheOptions,
            Concurrent = true,
        };
        workload.WarmUp();
        var result = workload.Run(cancel);
        Console.WriteLine($"Process {options.ChildIndex} (pid {Environment.ProcessId}): writes refused or conflicting with another process: {workload.WriteConflicts:N0}");
        Report.Print(Console.Out, options, database, seed, result);
        return result.Stale.Count == 0 ? 0 : 1;
    }

    private static string? Unreachable(string configuration)
    {
        try
        {
            var config = ConfigurationOptions.Parse(configuration);
            config.AbortOnConnectFail = true;
            config.ConnectTimeout = 3000;
            config.ConnectRetry = 1;
            using var redis = ConnectionMultiplexer.Connect(config);
            redis.GetDatabase().Ping();
            return null;
        }
        catch (Exception e) when (e is RedisException or ArgumentException or TimeoutException)
        {
            return e.Message.Split('\n')[0];
        }
    }

    private static async Task<string> ReadAllAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return await stdout + await stderr;
    }
}

using CacheBot.Demo;
using Npgsql;

DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops the workload and still prints the report (and drops the PostgreSQL schema).
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

if (options.Redis is not null)
{
    try
    {
        return options.ChildIndex is null ? await CacheBot.Demo.RedisMode.RunParentAsync(options, cancel.Token) : CacheBot.Demo.RedisMode.RunChild(options, cancel.Token);
    }
#pragma warning disable CA1031 // The demo's last resort: print what failed (with the stack, it is a bug to report) and exit 1.
    catch (Exception e)
#pragma warning restore CA1031
    {
        Console.Error.WriteLine($"error: the demo failed: {e}");
        return 1;
    }
}

DemoDatabase database;
try
{
    database = options.PostgresConnectionString is { } cs ? DemoDatabase.CreatePostgres(cs) : DemoDatabase.CreateSqlite();
}
catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: cannot open the database: {e.Message}");
    return 1;
}

try
{
    using (database)
    {
        Console.WriteLine($"CacheBot for LINQ demo on {database.Description}");
        var seedClock = System.Diagnostics.Stopwatch.StartNew();
        var seed = database.CreateAndSeed(options);
        Console.WriteLine($"Seeded {seed} in {seedClock.Elapsed.TotalSeconds:F1} s");
        var workload = new Workload(options, database, seed, Console.Out);
        workload.WarmUp();
        var duration = options.Duration ?? (options.Ops is null ? DemoOptions.DefaultDuration : null);
        Console.WriteLine($"Running {(options.Ops is { } n ? $"{n:N0} ops" : "")}{(options.Ops is not null && duration is not null ? " or " : "")}{(duration is { } d ? $"{d.TotalSeconds:0.#} s" : "")}, " +
                          $"{options.WriteRatio:P1} writes, Ctrl+C stops early...");
        var result = workload.Run(cancel.Token);
        Report.Print(Console.Out, options, database, seed, result);
        return result.Stale.Count == 0 ? 0 : 1;
    }
}
#pragma warning disable CA1031 // The demo's last resort: print what failed (with the stack, it is a bug to report) and exit 1.
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine();
    Console.Error.WriteLine($"error: the demo failed: {e}");
    return 1;
}

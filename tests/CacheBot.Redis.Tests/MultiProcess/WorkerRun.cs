using System.Diagnostics;
using System.Text.Json;
using CacheBot.Redis.Tests.Infrastructure;
using CacheBot.Redis.Worker;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Redis.Tests.MultiProcess;

/// <summary>How a multi-process run is set up.</summary>
public sealed record RunSettings(string Provider, string Redis, int Workers = 3, int OpsPerWorker = 1000, TimeSpan Duration = default, int StalenessMs = 0)
{
    public string Prefix { get; init; } = TestRedis.UniquePrefix("mp");

    /// <summary>Gets whether the workers run until <see cref="WorkerRun.Stop"/> (fault runs) rather than for a number of operations.</summary>
    public bool UntilStopped { get; init; }

    public string[] Extra { get; init; } = [];
}

/// <summary>
/// Starts worker processes (<c>dotnet CacheBot.Redis.Worker.dll</c>) on one database (a SQLite file in WAL mode, or a
/// PostgreSQL schema) and one Redis, waits for them, and gathers their results.
/// </summary>
public sealed class WorkerRun : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cachebot-mp-").FullName;
    private readonly string? _schema;

    public WorkerRun(string provider)
    {
        Provider = provider;
        if (provider == "sqlite")
        {
            ConnectionString = "Data Source=" + Path.Combine(_directory, "shared.db") + ";Default Timeout=60";
        }
        else
        {
            TestDatabase.RequirePostgres();
            _schema = TestDatabase.UniqueName("cbmp");
            using (var admin = new DataConnection(new DataOptions().UsePostgreSQL(TestDatabase.PostgresConnectionString!)))
            {
                admin.Execute("CREATE SCHEMA " + _schema);
            }

            ConnectionString = TestDatabase.PostgresConnectionString + ";Search Path=" + _schema;
        }

        Schema.CreateAndSeed(provider, ConnectionString, 1);
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public static string WorkerPath => Path.Combine(AppContext.BaseDirectory, "CacheBot.Redis.Worker.dll");

    /// <summary>Runs the workers; <paramref name="faults"/> runs alongside (it gets the run's start timestamp).</summary>
    public async Task<List<WorkerResult>> RunAsync(RunSettings settings, Func<CancellationToken, Task>? faults = null)
    {
        var processes = new List<Process>();
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < settings.Workers; i++)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                WorkerPath, "--index", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--provider", Provider, "--cs", ConnectionString,
                "--redis", settings.Redis + ",name=worker" + i, "--prefix", settings.Prefix,
                "--ops", settings.OpsPerWorker.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--duration-ms", ((long)settings.Duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--staleness-ms", settings.StalenessMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--out", Output(i), "--ready", Path.Combine(_directory, "ready" + i),
            }.Concat(settings.UntilStopped ? ["--stop-file", StopFile] : []).Concat(settings.Extra))
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
        }

        var faultTask = faults is null ? Task.CompletedTask : Task.Run(() => faults(stop.Token), stop.Token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            foreach (var process in processes)
            {
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }

        await faultTask;
        var results = new List<WorkerResult>();
        for (var i = 0; i < settings.Workers; i++)
        {
            Assert.True(File.Exists(Output(i)), $"worker {i} wrote no result");
            results.Add(JsonSerializer.Deserialize<WorkerResult>(await File.ReadAllTextAsync(Output(i)))!);
        }

        return results;
    }

    private string StopFile => Path.Combine(_directory, "stop");

    /// <summary>Waits until every worker is connected and running.</summary>
    public async Task WaitUntilReadyAsync(int workers, CancellationToken cancellationToken)
    {
        while (!Enumerable.Range(0, workers).All(i => File.Exists(Path.Combine(_directory, "ready" + i))))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Tells workers started with <see cref="RunSettings.UntilStopped"/> to finish.</summary>
    public void Stop() => File.WriteAllText(StopFile, "stop");

    private string Output(int index) => Path.Combine(_directory, "worker" + index + ".json");

    public void Dispose()
    {
        if (_schema is not null)
        {
            using var admin = new DataConnection(new DataOptions().UsePostgreSQL(TestDatabase.PostgresConnectionString!));
            admin.Execute("DROP SCHEMA " + _schema + " CASCADE");
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Globalization;

namespace CacheBot.Demo;

/// <summary>A command-line argument the demo cannot use; the message names the argument and what it expects.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The demo's settings, parsed from the command line.</summary>
public sealed record DemoOptions
{
    public long? Ops { get; init; }
    public TimeSpan? Duration { get; init; }
    public double WriteRatio { get; init; } = 0.05;
    public int Seed { get; init; } = 42;
    public int Users { get; init; } = 500;
    public int PhotosPerUser { get; init; } = 10;
    public double ZipfExponent { get; init; } = 1.1;
    public long CheckEvery { get; init; } = 5_000;
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromMinutes(10);
    public string? PostgresConnectionString { get; init; }
    public string? Redis { get; init; }
    public int Processes { get; init; } = 3;
    public bool ShowHelp { get; init; }

    // Set by the --redis parent for the processes it starts (not documented in --help).
    public int? ChildIndex { get; init; }
    public string? SharedDatabase { get; init; }
    public string? RedisPrefix { get; init; }

    /// <summary>Gets the run length used when neither <c>--ops</c> nor <c>--duration</c> is given.</summary>
    public static TimeSpan DefaultDuration { get; } = TimeSpan.FromSeconds(10);

    public const string Usage = """
        CacheBot for LINQ demo: a photo-sharing workload on linq2db with CacheBot's in-memory cache.

        Usage: dotnet run -c Release --project samples/CacheBot.Demo -- [options]

        With no options it runs for 10 s on embedded in-memory SQLite (no server needed), prints progress,
        then a report: hits, misses, stores, bypasses, invalidations, hit ratio, latency of cached vs uncached
        reads, and a freshness check that compares every cached answer with the database. The exit code is 0
        when no stale answer was found, 1 when one was (or the run failed), 2 for bad arguments.

        Options:
          --ops <N>                stop after N operations (reads + writes)
          --duration <time>        stop after this long: 15, 15s, 500ms, 2m or 00:00:15 (default 10s
                                   when --ops is not given; with both, whichever comes first)
          --write-ratio <r>        fraction of operations that write, 0..1 (default 0.05)
          --seed <N>               random seed for data and workload (default 42)
          --users <N>              users to seed, 10..1000000 (default 500)
          --photos-per-user <N>    photos per user, 1..1000 (default 10)
          --zipf <s>               Zipf exponent of the hot-key distribution, 0..5 (default 1.1; 0 = uniform)
          --check-every <N>        every N operations, compare up to 1000 cached answers with the database
                                   (0 = only the full sweep at the end; default 5000)
          --ttl <time>             cache time-to-live (default 10m)
          --postgres <conn>        run on PostgreSQL instead of SQLite, in a fresh schema that is dropped at the end,
                                   e.g. "Host=127.0.0.1;Port=5432;Username=cachebot;Password=cachebot;Database=cachebot"
          --redis <config>         scale-out: run the workload in several processes that share invalidation through
                                   this Redis (e.g. 127.0.0.1:6379) and one database (a SQLite file in WAL mode, or the
                                   --postgres schema); each process checks its cached answers and reports
          --processes <N>          with --redis: how many processes, 1..16 (default 3)
          -h, --help               show this help
        """;

    /// <summary>Parses the command line.</summary>
    /// <exception cref="UsageException">An argument is unknown, missing its value or out of range.</exception>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new UsageException($"{arg} expects a value.");
                }

                return args[++i];
            }

            options = arg switch
            {
                "-h" or "--help" or "-?" => options with { ShowHelp = true },
                "--ops" => options with { Ops = ParseLong(arg, Value(), 1, long.MaxValue, "a positive whole number of operations") },
                "--duration" => options with { Duration = ParseTime(arg, Value()) },
                "--write-ratio" => options with { WriteRatio = ParseDouble(arg, Value(), 0, 1, "a fraction between 0 and 1, e.g. 0.05") },
                "--seed" => options with { Seed = (int)ParseLong(arg, Value(), int.MinValue, int.MaxValue, "a whole number") },
                "--users" => options with { Users = (int)ParseLong(arg, Value(), 10, 1_000_000, "a whole number between 10 and 1000000") },
                "--photos-per-user" => options with { PhotosPerUser = (int)ParseLong(arg, Value(), 1, 1_000, "a whole number between 1 and 1000") },
                "--zipf" => options with { ZipfExponent = ParseDouble(arg, Value(), 0, 5, "a number between 0 and 5, e.g. 1.1") },
                "--check-every" => options with { CheckEvery = ParseLong(arg, Value(), 0, long.MaxValue, "a whole number of operations (0 = only at the end)") },
                "--ttl" => options with { TimeToLive = ParseTime(arg, Value()) },
                "--postgres" => options with { PostgresConnectionString = ParseConnectionString(arg, Value()) },
                "--redis" => options with { Redis = Value() },
                "--processes" => options with { Processes = (int)ParseLong(arg, Value(), 1, 16, "a whole number between 1 and 16") },
                "--child" => options with { ChildIndex = (int)ParseLong(arg, Value(), 0, 16, "a process index") },
                "--shared-db" => options with { SharedDatabase = Value() },
                "--redis-prefix" => options with { RedisPrefix = Value() },
                _ when arg.StartsWith('-') => throw new UsageException($"unknown option '{arg}'."),
                _ => throw new UsageException($"unexpected argument '{arg}': the demo takes only options."),
            };
        }

        return options;
    }

    private static long ParseLong(string name, string text, long min, long max, string expected)
    {
        text = text.Replace("_", "", StringComparison.Ordinal);
        return long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} expects {expected}, got '{text}'.");
    }

    private static double ParseDouble(string name, string text, double min, double max, string expected) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} expects {expected}, got '{text}'.");

    private static TimeSpan ParseTime(string name, string text)
    {
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        TimeSpan? result = null;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            result = TimeSpan.FromSeconds(plain);
        }
        else if (t.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span))
        {
            result = span;
        }
        else
        {
            foreach (var (suffix, seconds) in units)
            {
                if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                {
                    result = TimeSpan.FromSeconds(n * seconds);
                    break;
                }
            }
        }

        return result is { } value && value > TimeSpan.Zero && value < TimeSpan.FromDays(1)
            ? value
            : throw new UsageException($"{name} expects a positive time below one day such as 15, 15s, 500ms, 2m or 00:00:15, got '{text}'.");
    }

    private static string ParseConnectionString(string name, string text)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(text);
            return string.IsNullOrEmpty(builder.Host)
                ? throw new UsageException($"{name} expects a PostgreSQL connection string with a Host, e.g. \"Host=127.0.0.1;Username=u;Password=p;Database=d\", got '{text}'.")
                : text;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{name} expects a PostgreSQL connection string such as \"Host=127.0.0.1;Username=u;Password=p;Database=d\": {e.Message}");
        }
    }
}

using BenchmarkDotNet.Running;
using CacheBot.Benchmarks;
using CacheBot.Benchmarks.Memory;
using CacheBot.Benchmarks.Precision;

// Console modes measure what BenchmarkDotNet cannot (retained bytes, hit ratios); everything else is a benchmark.
if (args.Contains("--memory"))
{
    MemoryPerEntryMode.Run(Paths.Results);
    return;
}

if (args.Contains("--redis-worker"))
{
    CacheBot.Benchmarks.Redis.RedisScaleOutWorker.Run(args);
    return;
}

if (args.Contains("--redis"))
{
    CacheBot.Benchmarks.Redis.RedisScaleOutMode.Run(Paths.Results, args.Contains("--quick"));
    return;
}

if (args.Contains("--hit-profile"))
{
    CacheBot.Benchmarks.Hit.HitProfileMode.Run(args.SkipWhile(a => a != "--hit-profile").Skip(1).FirstOrDefault());
    return;
}

if (args.Contains("--compiled-miss-profile"))
{
    CacheBot.Benchmarks.Hit.CompiledMissProfileMode.Run(args);
    return;
}

if (args.Contains("--write-profile"))
{
    CacheBot.Benchmarks.Writes.WriteProfileMode.Run(args);
    return;
}

if (args.Contains("--precision-ef"))
{
    EfPrecisionMode.Run(Paths.Results, args.Contains("--quick"));
    return;
}

if (args.Contains("--precision"))
{
    PrecisionMode.Run(Paths.Results, args.Contains("--quick"));
    return;
}

var namesJob = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig(withDefaultJob: !namesJob));

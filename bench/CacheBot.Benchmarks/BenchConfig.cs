using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Validators;
using Perfolizer.Horology;

namespace CacheBot.Benchmarks;

/// <summary>
/// The one configuration every benchmark runs with: allocations measured, optimised JIT required, GitHub markdown
/// reports under <c>bench/results/</c>. The job is short (3 warmups, 8 measured iterations of ~250 ms, one launch)
/// so the whole suite finishes in about a quarter of an hour on a 2-core machine; pass <c>--job</c> on the command
/// line to override it (e.g. <c>--job dry</c> for a smoke run).
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    /// <param name="withDefaultJob">False when the command line names a job (<c>--job dry</c>): BenchmarkDotNet adds
    /// command-line jobs to the config's, so the default job must then be left out.</param>
    public BenchConfig(bool withDefaultJob = true)
    {
        AddLogger(ConsoleLogger.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(CategoriesColumn.Default);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddValidator(JitOptimizationsValidator.FailOnError);
        AddValidator(BaselineValidator.FailOnError);
        AddExporter(MarkdownExporter.GitHub);
        if (withDefaultJob)
        {
            AddJob(Job.Default
                .WithId("Short")
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(8)
                .WithIterationTime(TimeInterval.FromMilliseconds(250)));
        }

        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
        ArtifactsPath = Paths.Artifacts;
    }
}

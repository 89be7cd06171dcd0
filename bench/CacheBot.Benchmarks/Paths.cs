namespace CacheBot.Benchmarks;

/// <summary>Locates <c>bench/</c> and <c>bench/results/</c> from wherever the benchmark (or its BenchmarkDotNet child process) runs.</summary>
internal static class Paths
{
    /// <summary>Gets <c>bench/results/</c>: the GitHub-markdown reports and the console modes' tables.</summary>
    public static string Results { get; } = FindResults();

    /// <summary>
    /// Gets <c>bench/</c>, BenchmarkDotNet's artifacts path: it writes its reports to <c>&lt;artifacts&gt;/results</c>,
    /// i.e. <c>bench/results/</c>, and its run logs to <c>bench/*.log</c> (ignored by git).
    /// </summary>
    public static string Artifacts => Path.GetDirectoryName(Results)!;

    private static string FindResults()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CacheBot.sln")))
            {
                return Path.Combine(dir.FullName, "bench", "results");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "bench", "results");
    }
}

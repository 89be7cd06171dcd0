namespace CacheBot.Linq.Analysis;

/// <summary>The inputs of one analysis besides the expression: bounds, granularity, ignored tables and <c>Cache(paths)</c>.</summary>
internal sealed record AnalysisSettings(
    int MaxValueTuples,
    InvalidationGranularity Granularity,
    ISet<string> IgnoredTables,
    IReadOnlyList<string>? AllowedPaths);

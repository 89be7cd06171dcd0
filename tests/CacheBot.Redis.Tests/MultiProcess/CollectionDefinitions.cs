namespace CacheBot.Redis.Tests.MultiProcess;

/// <summary>Multi-process runs use every core: they run one at a time, not beside other test classes' runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessRuns
{
    public const string Name = "multi-process";
}

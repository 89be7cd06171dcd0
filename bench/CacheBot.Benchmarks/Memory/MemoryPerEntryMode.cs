namespace CacheBot.Benchmarks.Memory;

internal static class MemoryPerEntryMode
{
    public static void Run(string results) => _ = results;
}

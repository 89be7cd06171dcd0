namespace CacheBot.Benchmarks.Precision;

internal static class PrecisionMode
{
    public static void Run(string results, bool quick) => _ = (results, quick);
}

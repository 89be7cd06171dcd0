using System.Diagnostics;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// <c>--compiled-miss-profile [sqlite|postgres] [loop [list]]</c>: the compiled PK-get and list misses of
/// <see cref="CompiledHitBenchmarks"/> (<see cref="QueryCache.InvalidateAll"/>, then the call) against linq2db's
/// <c>CompiledQuery</c> on the same query, in alternating rounds, best round of each in CPU time of the calling thread
/// (<see cref="ThreadCpu"/>: a shared host's other processes do not count, and the best round has the fewest cache and GC
/// disturbances; on PostgreSQL the server's time is not counted either, so the ratio there is the client's). Direction only; the figures to publish come from <see cref="CompiledHitBenchmarks"/>. With <c>loop</c>, runs
/// the PK-get miss alone for ~15 s for a sampling profiler (<c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>).
/// </summary>
internal static class CompiledMissProfileMode
{
    private const int Rounds = 25, PerRound = 400;

    // The compiled queries are the benchmark's own, so both measure the same queries.
    private static readonly Func<DataConnection, int, Photo> Linq2DbPk = CompiledHitBenchmarks.Linq2DbPk;
    private static readonly Func<DataConnection, int, int, IQueryable<Photo>> Linq2DbList = CompiledHitBenchmarks.Linq2DbList;
    private static readonly Func<DataConnection, int, Photo> CacheBotPk = CompiledHitBenchmarks.CacheBotPk;
    private static readonly Func<DataConnection, int, int, List<Photo>> CacheBotList = CompiledHitBenchmarks.CacheBotList;

    public static void Run(string[] args)
    {
        var name = args.Contains("postgres") ? BenchDatabases.Postgres : BenchDatabases.Sqlite;
        using var database = BenchDatabases.Create(name);
        using var cache = new QueryCache(new QueryCacheOptions());
        using var raw = new DataConnection(database.RawOptions);
        using var cached = new DataConnection(database.CacheBotOptions(cache));
        const int id = 4242, user = 42, status = 1;

        Func<object> pkMiss = () =>
        {
            cache.InvalidateAll();
            return CacheBotPk(cached, id);
        };
        Func<object> listMiss = () =>
        {
            cache.InvalidateAll();
            return CacheBotList(cached, user, status);
        };
        var misses = cache.Statistics.Misses;
        pkMiss();
        listMiss();
        if (cache.Statistics.Misses != misses + 2)
        {
            throw new InvalidOperationException("compiled-miss-profile: the calls did not miss");
        }

        if (args.Contains("loop"))
        {
            var deadline = Stopwatch.GetTimestamp() + (15 * Stopwatch.Frequency);
            var miss = args.Contains("list") ? listMiss : pkMiss;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                miss();
            }

            return;
        }

        Console.WriteLine($"{name}: best of {Rounds} alternating rounds of {PerRound} calls (us of thread CPU per call)");
        Compare("PK get", () => Linq2DbPk(raw, id), pkMiss);
        Compare("PK get, linq2db on both connections", () => Linq2DbPk(raw, id), () => Linq2DbPk(cached, id));
        using var nothingKept = new QueryCache(new QueryCacheOptions { ResultStore = new NothingKeptStore() });
        using var missing = new DataConnection(database.CacheBotOptions(nothingKept));
        Compare("PK get, miss: store keeps nothing", () => Linq2DbPk(raw, id), () => CacheBotPk(missing, id));
        Compare("PK get, miss: keeps nothing + InvalidateAll", () => Linq2DbPk(raw, id), () => { nothingKept.InvalidateAll(); return CacheBotPk(missing, id); });
        var next = 0;
        Compare("PK get, miss: a new key each call", () => Linq2DbPk(raw, id), () => { cache.InvalidateAll(); return CacheBotPk(cached, 1 + (next++ % 9000)); });
        Compare("PK get, miss again (InvalidateAll)", () => Linq2DbPk(raw, id), pkMiss);
        Compare("33-row list", () => Linq2DbList(raw, user, status).ToList(), listMiss);
    }

    private static void Compare(string name, Func<object> linq2db, Func<object> cacheBot)
    {
        var (bestLinq2Db, bestCacheBot) = (double.MaxValue, double.MaxValue);
        for (var round = 0; round < Rounds; round++)
        {
            bestLinq2Db = Math.Min(bestLinq2Db, Time(linq2db));
            bestCacheBot = Math.Min(bestCacheBot, Time(cacheBot));
        }

        Console.WriteLine($"{name,-36} linq2db CompiledQuery {bestLinq2Db,8:F1}   CacheBot compiled miss {bestCacheBot,8:F1}   ratio {bestCacheBot / bestLinq2Db:F2}x");
        Console.WriteLine($"{string.Empty,-36} {Gc(linq2db)}   {Gc(cacheBot)}");
    }

    /// <summary>Bytes allocated per call and collections per 1,000 calls (gen0/gen1/gen2).</summary>
    private static string Gc(Func<object> action)
    {
        const int Calls = 4_000;
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            _ = action();
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Calls;
        return $"{bytes,6} B/op, GCs per 1k {1000.0 * (GC.CollectionCount(0) - g0) / Calls:F2}/{1000.0 * (GC.CollectionCount(1) - g1) / Calls:F2}/{1000.0 * (GC.CollectionCount(2) - g2) / Calls:F2}";
    }

    private static double Time(Func<object> action)
    {
        var start = ThreadCpu.Now();
        for (var i = 0; i < PerRound; i++)
        {
            _ = action();
        }

        return (ThreadCpu.Now() - start).TotalMicroseconds / PerRound;
    }
}

using System.Diagnostics;
using System.Linq.Expressions;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Querying;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// <c>--hit-profile</c>: a Stopwatch breakdown of a PK-get hit on in-memory SQLite (where the ~3 µs go), step by step, each
/// step measured cumulatively so the differences are the parts. Direction only (one process, warm JIT, no BenchmarkDotNet
/// statistics); the figures to publish come from <see cref="HitBenchmarks"/>.
/// </summary>
internal static class HitProfileMode
{
    private const int Iterations = 400_000;

    public static void Run(string? loop = null)
    {
        using var database = new PhotoDatabase();
        using var cache = new QueryCache(new QueryCacheOptions());
        using var raw = new DataConnection(database.RawOptions);
        using var cached = new DataConnection(database.CacheBotOptions(cache));
        var id = 4242;
        var empty = new EmptyQueryable<Photo>();
        _ = Cached.Photos(cached).First(p => p.Id == id); // miss, fills the entry
        var hits = cache.Statistics.Hits;
        _ = Cached.Photos(cached).First(p => p.Id == id);
        if (cache.Statistics.Hits != hits + 1)
        {
            throw new InvalidOperationException("hit-profile: the PK get did not hit");
        }

        var source = Cached.Photos(cached);
        var expression = source.Where(p => p.Id == id).Expression; // stand-in for the First call's tree
        var firstTree = FirstTree(source, id);
        var context = ((CacheBot.Linq.Providers.ICacheBotQueryable)source).Context;
        var photo = source.First(p => p.Id == id);
        var photos = Cached.Photos(cached).Cache().Where(p => p.UserId == 42 && p.Status == 1).ToList();
        var array = photos.ToArray();

        if (loop is not null)
        {
            // For an external sampling profiler (perf with DOTNET_PerfMapEnabled=1): one step in a loop for ~10 s.
            var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                for (var i = 0; i < 1_000; i++)
                {
                    _ = loop switch
                    {
                        "hash" => ExpressionHasher.HashFull(firstTree, context).Full.GetHashCode(),
                        "connection" => cached.GetTable<Photo>().First(p => p.Id == id).Id,
                        "raw" => raw.GetTable<Photo>().First(p => p.Id == id).Id,
                        _ => Cached.Photos(cached).First(p => p.Id == id).Id,
                    };
                }
            }

            return;
        }

        Console.WriteLine($"{"step",-58} {"ns/op",8} {"B/op",8}");
        Measure("GetTable<Photo>()", () => cached.GetTable<Photo>());
        Measure("GetTable<Photo>().AsCacheBot()", () => cached.GetTable<Photo>().AsCacheBot());
        Measure("lambda p => p.Id == id (closure + tree)", () => Lambda(id));
        Measure("floor: GetTable + EmptyQueryable.First(lambda)", () => { _ = raw.GetTable<Photo>(); return empty.First(p => p.Id == id); });
        Measure("EmptyQueryable.First(lambda) only", () => empty.First(p => p.Id == id));
        Measure("hit: GetTable.AsCacheBot().First(lambda)", () => Cached.Photos(cached).First(p => p.Id == id));
        Measure("hit on a prebuilt source: source.First(lambda)", () => source.First(p => p.Id == id));
        Measure("provider.Execute(prebuilt First tree)", () => source.Provider.Execute<Photo>(firstTree));
        Measure("ExpressionHasher.HashFull(First tree, context)", () => ExpressionHasher.HashFull(firstTree, context).Full);
        Measure("  HashFull(source.Expression, context) = " + source.Expression.NodeType + "/" + source.Expression.GetType().Name, () => ExpressionHasher.HashFull(source.Expression, context).Full);
        Measure("  HashFull(source.Expression, no policy)", () => ExpressionHasher.HashFull(source.Expression, null).Full);
        Expression<Func<Photo, bool>> constantLambda = p => p.Id == 4242;
        Measure("  HashFull(p => p.Id == 4242)", () => ExpressionHasher.HashFull(constantLambda, null).Full);
        var capturedLambda = Lambda(id);
        Measure("  HashFull(p => p.Id == id)", () => ExpressionHasher.HashFull(capturedLambda, null).Full);
        Measure("  HashFull(Constant(1))", () => ExpressionHasher.HashFull(OneConstant, null).Full);
        Measure("ExpressionHasher.Hash (full + shape) (First tree)", () => ExpressionHasher.Hash(firstTree, context).Full);
        Measure("context.IsInTransaction", () => context.IsInTransaction);
        Measure("IsCachedGet", () => CachedQueryRunner.IsCachedGet(cache, firstTree));
        Measure("ComputeKey", () => CachedQueryRunner.ComputeKey(cache, default, context.Identity, 1, typeof(Photo)));
        var key = CachedQueryRunner.ComputeKey(cache, ExpressionHasher.HashFull(firstTree, context).Full, context.Identity, CachedQueryRunner.KindScalar, typeof(Photo));
        Measure("Lookup (store probe + stamp checks)", () => CachedQueryRunner.Lookup(cache, key, out _));
        Measure("ResultCopier.Copy(photo)", () => ResultCopier.Copy(photo));
        Measure("photo.Clone() (MemberwiseClone)", () => photo.Clone());
        Measure("new Photo { 8 columns }", () => new Photo { Id = photo.Id, UserId = photo.UserId, Status = photo.Status, AlbumId = photo.AlbumId, Kind = photo.Kind, Views = photo.Views, Taken = photo.Taken, Title = photo.Title });
        Measure($"ResultCopier.CopyList({array.Length} photos)", () => ResultCopier.CopyList(array), perRow: array.Length);
        Measure("list hit: Cache().Where(u, s).ToList()", () => Cached.Photos(cached).Cache().Where(p => p.UserId == 42 && p.Status == 1).ToList());
        _ = expression;

        // The miss: every call through a store that keeps nothing misses; its parts on the same tree.
        using var missCache = new QueryCache(new QueryCacheOptions { ResultStore = new NothingKeptStore() });
        using var missed = new DataConnection(database.CacheBotOptions(missCache));
        var missSource = Cached.Photos(missed);
        var missContext = ((CacheBot.Linq.Providers.ICacheBotQueryable)missSource).Context;
        var missTree = FirstTree(missSource, id);
        Measure("uncached linq2db: raw GetTable.First(lambda)", () => raw.GetTable<Photo>().First(p => p.Id == id));
        Measure("linq2db on the UseCacheBot connection (no AsCacheBot)", () => missed.GetTable<Photo>().First(p => p.Id == id));
        Measure("uncached linq2db: raw GetTable.First(lambda) (again)", () => raw.GetTable<Photo>().First(p => p.Id == id));
        Measure("miss: GetTable.AsCacheBot().First(lambda)", () => Cached.Photos(missed).First(p => p.Id == id));
        Measure("  Hash (full + shape) for the shape key", () => ExpressionHasher.Hash(missTree, missContext).Shape);
        Measure("  MarkerStripper.Run", () => MarkerStripper.Run(missTree));
        Measure("  QueryAnalyzer.Analyze", () => CacheBot.Linq.Analysis.QueryAnalyzer.Analyze(missTree, missContext.Model, missContext.Dialect, missCache.AnalysisSettings));
        var analysis = CacheBot.Linq.Analysis.QueryAnalyzer.Analyze(missTree, missContext.Model, missContext.Dialect, missCache.AnalysisSettings);
        Measure("  StampReader.RegisterAndRead", () => StampReader.RegisterAndRead(missCache, analysis, [CacheBot.Linq.Invalidation.SchemeDirection.Both]).Position);
        Measure("  inner: linq2db Execute of the stripped tree", () => CacheBot.Linq.Providers.SyncPath.Result(missContext.ExecuteInnerAsync<Photo>(MarkerStripper.Strip(missTree), false, default)));
    }

    private static MethodCallExpression FirstTree(IQueryable<Photo> source, int id)
    {
        Expression<Func<Photo, bool>> predicate = p => p.Id == id;
        var first = typeof(Queryable).GetMethods().Single(m => m.Name == "First" && m.GetParameters().Length == 2).MakeGenericMethod(typeof(Photo));
        return Expression.Call(first, source.Expression, Expression.Quote(predicate));
    }

    private static readonly ConstantExpression OneConstant = Expression.Constant(1);

    private static Expression<Func<Photo, bool>> Lambda(int id) => p => p.Id == id;

    private static void Measure<T>(string step, Func<T> action, int perRow = 0)
    {
        for (var i = 0; i < 300_000; i++)
        {
            _ = action();
        }

        var best = double.MaxValue;
        long bytes = 0;
        for (var round = 0; round < 5; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Iterations / 5; i++)
            {
                _ = action();
            }

            var ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (Iterations / 5);
            best = Math.Min(best, ns);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (Iterations / 5);
        }

        var row = perRow > 0 ? $"  ({best / perRow:F1} ns/row)" : string.Empty;
        Console.WriteLine($"{step,-58} {best,8:F0} {bytes,8}{row}");
    }
}

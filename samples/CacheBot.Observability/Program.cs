// CacheBot observability in one command: dotnet run --project samples/CacheBot.Observability
// Traces (CacheBot's ActivitySource) and metrics (its Meter) go to the console through OpenTelemetry; Explain() says why
// each query is (not) cached; Statistics.TopShapes() shows what every query shape did.
using System.Globalization;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Observability;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// SQLite in memory: one open connection keeps the database alive.
const string ConnectionString = "Data Source=cachebot-observability;Mode=Memory;Cache=Shared";
using var keepAlive = new SqliteConnection(ConnectionString);
keepAlive.Open();
using (var create = keepAlive.CreateCommand())
{
    create.CommandText = """
        CREATE TABLE Users (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
        CREATE TABLE Photos (Id INTEGER PRIMARY KEY, UserId INTEGER NOT NULL, Status INTEGER NOT NULL, Title TEXT NOT NULL);
        INSERT INTO Users VALUES (1, 'alice'), (2, 'bob'), (3, 'david');
        INSERT INTO Photos VALUES (1, 1, 2, 'beach'), (2, 1, 1, 'city'), (3, 2, 2, 'forest'), (4, 3, 2, 'lake'), (5, 1, 2, 'snow');
        """;
    create.ExecuteNonQuery();
}

var since = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
IQueryable<Photo> FeaturedQuery(IQueryable<Photo> photos, int userId) => photos.Cache().Where(p => p.UserId == userId && p.Status == 2);

// Warm-up on a throwaway cache, before telemetry starts: JIT and linq2db's query compilation stay out of the figures.
using (var warmCache = new QueryCache(new QueryCacheOptions()))
using (var warmDb = new DataConnection(new DataOptions().UseSQLite(ConnectionString, SQLiteProvider.Microsoft).UseCacheBot(warmCache)))
{
    var warm = warmDb.GetTable<Photo>().AsCacheBot();
    for (var i = 0; i < 2; i++)
    {
        _ = FeaturedQuery(warm, 3).ToList();
        _ = warm.First(p => p.Id == 4);
    }

    _ = warm.Cache().Where(p => p.UserId == 1 && Sql.CurrentTimestamp > since).ToList();
    using var transaction = warmDb.BeginTransaction();
    warmDb.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Status, 1).Update();
}

using var tracing = Sdk.CreateTracerProviderBuilder()
    .ConfigureResource(resource => resource.AddService("CacheBot.Observability"))
    .AddSource(CacheBotDiagnostics.ActivitySourceName)
    .AddConsoleExporter()
    .Build();
var metrics = Sdk.CreateMeterProviderBuilder()
    .ConfigureResource(resource => resource.AddService("CacheBot.Observability"))
    .AddMeter(CacheBotDiagnostics.MeterName)
    .AddConsoleExporter()
    .Build();

using var cache = new QueryCache(new QueryCacheOptions { CacheName = "observability-sample" });
using var db = new DataConnection(new DataOptions().UseSQLite(ConnectionString, SQLiteProvider.Microsoft).UseCacheBot(cache));
var photos = db.GetTable<Photo>().AsCacheBot();

Section("Queries and a write (each cached query prints its trace)");
List<Photo> Featured(int userId) => FeaturedQuery(photos, userId).ToList();
Photo Get(int id) => photos.First(p => p.Id == id);
Step("Featured(1): miss", () => Featured(1));
Step("Featured(1): hit", () => Featured(1));
Step("Featured(2): miss (another value, the same shape)", () => Featured(2));
Step("Get(3): miss, then hit", () => (Get(3), Get(3)));
Step("A query CacheBot refuses: it runs uncached", () => photos.Cache().Where(p => p.UserId == 1 && Sql.CurrentTimestamp > since).ToList());
Step("Write: photo 1 (user 1) becomes status 1", () => db.GetTable<Photo>().Where(p => p.Id == 1).Set(p => p.Status, 1).Update());
Step("Featured(1): miss (invalidated by the write)", () => Featured(1));
Step("Featured(2): hit (the write did not touch user 2's featured photos)", () => Featured(2));

Section("Explain()");
Explain(FeaturedQuery(photos, 1).Explain());
Explain(photos.Explain(q => q.First(p => p.Id == 7)));
Explain(photos.Cache().Where(p => p.User.Name == "david").Explain());
Explain(photos.Cache().Where(p => p.UserId == 1 && Sql.CurrentTimestamp > since).Explain());
Explain(photos.Where(p => p.UserId == 1).Explain());

Section("cache.Statistics.TopShapes(20)");
Console.WriteLine($"{"hits",5} {"misses",6} {"bypasses",8} {"invalid.",8} {"entries",7} {"hit us",7} {"miss us",8}  shape / last refusal");
foreach (var shape in cache.Statistics.TopShapes(20))
{
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{shape.Hits,5} {shape.Misses,6} {shape.Bypasses,8} {shape.Invalidations,8} {shape.Entries,7} {shape.MeanHitLatency.TotalMicroseconds,7:0.0} {shape.MeanMissLatency.TotalMicroseconds,8:0.0}  {shape.Shape}"));
    if (shape.LastRefusalReason is { } reason)
    {
        Console.WriteLine($"{"",49}  last refusal: {reason}");
    }
}

Section("Metrics (exported when the meter provider shuts down)");
metrics.Dispose();
return 0;

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("=== " + title + " " + new string('=', Math.Max(3, 100 - title.Length)));
}

static void Step(string title, Func<object?> run)
{
    Console.WriteLine();
    Console.WriteLine("--- " + title);
    _ = run();
}

static void Explain(CacheExplanation explanation)
{
    Console.WriteLine(explanation);
    Console.WriteLine();
}

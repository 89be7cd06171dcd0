using System.Diagnostics;
using System.Text.Json;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Redis;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Worker;
using LinqToDB.Data;

// One process of the multi-process test: its own QueryCache on the shared Redis and database, random reads (each
// checked against the truth read just before it) and versioned writes. See Checker for what counts as stale.
var arguments = Arguments.Parse(args);
if (arguments.Get("seed-database") is { } seedDb)
{
    Schema.CreateAndSeed(arguments.Require("provider"), arguments.Require("cs"), int.Parse(seedDb, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

var index = arguments.Number("index", 0);
var provider = arguments.Require("provider");
var connectionString = arguments.Require("cs");
var ops = arguments.Number("ops", 1000);
var duration = TimeSpan.FromMilliseconds(arguments.Number("duration-ms", 0));
var writeRatio = double.Parse(arguments.Get("write-ratio") ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);
var seed = arguments.Number("seed", 1) * 7919 + index;
var result = new WorkerResult { Index = index, StopwatchFrequency = Stopwatch.Frequency };
var random = new Random(seed);

var options = new QueryCacheOptions { SizeLimit = 1_000_000 }.UseRedis(arguments.Require("redis"), r =>
{
    r.KeyPrefix = arguments.Require("prefix");
    r.MaxStaleness = TimeSpan.FromMilliseconds(arguments.Number("staleness-ms", 0));
    r.ReadTimeout = TimeSpan.FromMilliseconds(arguments.Number("read-timeout-ms", 500));
    r.WriteTimeout = TimeSpan.FromMilliseconds(arguments.Number("write-timeout-ms", 1000));
    r.IntentTimeToLive = TimeSpan.FromMilliseconds(arguments.Number("lease-ms", 3000));
    r.ShareResults = arguments.Get("share") == "1";
});
using var cache = new QueryCache(options);
var dataOptions = Schema.Options(provider, connectionString);
using var cachedDb = new DataConnection(dataOptions.UseCacheBot(cache));
using var truthDb = new DataConnection(dataOptions);
var writer = new Writer(random, index);
if (provider == "sqlite")
{
    // The test needs isolation, not durability: no fsync per commit.
    cachedDb.Execute("PRAGMA synchronous=OFF");
    truthDb.Execute("PRAGMA synchronous=OFF");
}

var begin = provider == "sqlite" ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ";
var ct = CancellationToken.None;

async Task<(long K, Answer A)> TruthAsync(Shapes.Shape shape, P p)
{
    truthDb.Execute(begin);
    try
    {
        var k = truthDb.Execute<long>("SELECT \"Value\" FROM \"RCounter\" WHERE \"Id\" = 1");
        var answer = await shape(truthDb, false, p, ct);
        return (k, answer);
    }
    finally
    {
        truthDb.Execute("COMMIT");
    }
}

P NextParameters()
{
    // Skewed towards a few hot values, so that reads repeat and hit.
    var hot = (int)(Math.Pow(random.NextDouble(), 3) * Schema.Users);
    return new P(
        hot,
        (int)(Math.Pow(random.NextDouble(), 2) * 4),
        1 + (int)(Math.Pow(random.NextDouble(), 4) * 100),
        random.Next(3),
        Schema.Names[random.Next(Schema.Names.Length)],
        Schema.TagNames[random.Next(Schema.TagNames.Length)],
        random.Next(4) == 0 ? null : random.Next(3),
        [hot, (hot + 1) % Schema.Users],
        random.Next(2) == 0);
}

void Sample()
{
    var s = cache.Statistics;
    result.Buckets.Add(new Bucket(Stopwatch.GetTimestamp(), s.Hits, s.Misses, s.Bypasses));
}

if (arguments.Get("ready") is { } ready)
{
    await File.WriteAllTextAsync(ready, "ready");
}

var stopFile = arguments.Get("stop-file");
var clock = Stopwatch.StartNew();
var lastSample = 0L;
for (var op = 0; duration > TimeSpan.Zero ? clock.Elapsed < duration : op < ops; op++)
{
    if (stopFile is not null && op % 20 == 0 && File.Exists(stopFile))
    {
        break;
    }

    if (clock.ElapsedMilliseconds - lastSample >= 100)
    {
        lastSample = clock.ElapsedMilliseconds;
        Sample();
    }

    try
    {
        if (random.NextDouble() < writeRatio)
        {
            await WriteAsync();
        }
        else
        {
            await ReadAsync();
        }
    }
    catch (Exception e)
    {
        result.Errors.Add($"operation {op}: {e}");
        if (result.Errors.Count > 20)
        {
            break;
        }
    }
}

Sample();
var stats = cache.Statistics;
(result.Hits, result.Misses, result.Bypasses) = (stats.Hits, stats.Misses, stats.Bypasses);
result.Resyncs = cache.Coordinator is RedisCoordinator coordinator ? coordinator.Resyncs : 0;
result.ElapsedSeconds = clock.Elapsed.TotalSeconds;
var output = arguments.Require("out");
await File.WriteAllTextAsync(output + ".tmp", JsonSerializer.Serialize(result));
File.Move(output + ".tmp", output, overwrite: true);
return 0;

async Task ReadAsync()
{
    result.Reads++;
    var rowShape = random.Next(10) < 7;
    var shapes = rowShape ? Shapes.RowShapes : Shapes.ScalarShapes;
    var number = random.Next(shapes.Length);
    var shape = shapes[number];
    var name = (rowShape ? "row" : "scalar") + number;
    var p = NextParameters();
    var (kT, truth) = await TruthAsync(shape, p);
    var readStart = Stopwatch.GetTimestamp();
    var (hitsBefore, missesBefore) = (cache.Statistics.Hits, cache.Statistics.Misses);
    var cached = await shape(cachedDb, true, p, ct);
    var how = cache.Statistics.Hits > hitsBefore ? "hit" : cache.Statistics.Misses > missesBefore ? "miss" : "bypass";
    Answer? truth2 = null;
    var kT2 = kT;
    if (Checker.NeedsSecondTruth(cached, truth))
    {
        (kT2, truth2) = await TruthAsync(shape, p with { Async = false });
    }

    var stale = Checker.Check(name, cached, truth, kT, truth2, kT2, readStart, out var inconclusive)
        .Select(o => o with { Detail = $"{o.Detail} ({how}, worker {index}, kT {kT})" }).ToList();
    result.Inconclusive += inconclusive;
    result.Stale.AddRange(stale);
}

async Task WriteAsync()
{
    try
    {
        var entry = await writer.RunAsync(cachedDb, ct);
        if (entry is null)
        {
            result.RolledBack++;
        }
        else
        {
            result.Writes++;
            result.WriteLog.Add(entry);
        }
    }
    catch (CacheBotException)
    {
        // Redis could not be told, so the commit did not happen (the transaction rolled back). Had it committed anyway,
        // the other processes' reads of its rows would show up as stale.
        result.RefusedWrites++;
        if (cachedDb.Transaction is not null)
        {
            await cachedDb.RollbackTransactionAsync(ct);
        }
    }
    catch (Exception e) when (IsConflict(e))
    {
        result.WriteConflicts++;
        if (cachedDb.Transaction is not null)
        {
            await cachedDb.RollbackTransactionAsync(ct);
        }
    }
}

static bool IsConflict(Exception e) =>
    e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } || (e is Npgsql.PostgresException pg && pg.SqlState is "40001" or "40P01");

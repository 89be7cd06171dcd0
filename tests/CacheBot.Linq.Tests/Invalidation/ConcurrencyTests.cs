using System.Diagnostics;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// Readers and writers on one cache: a writer replaces its row (copy-on-write), reports the write, then publishes the
/// row's new version. A reader that starts after a version was published must never see an older one.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Writers = 2;
    private const int Readers = 3;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task ReadersAndWriters_ReadAfterPublishedWrite_NeverSeesOlderVersion()
    {
        // Rows 1..Writers belong to one writer each (UserId = Id, Likes = version, Status = version % 3); more rows around them.
        var rows = new Photo[12];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new Photo { Id = i + 1, UserId = i + 1, Status = 0, Likes = 0, Title = "p" + (i + 1) };
        }

        using var cache = new QueryCache(new QueryCacheOptions());
        var raw = new InterpretedQueryable<Photo>(rows);
        var photos = raw.AsCacheBot(cache);
        var published = new long[Writers];
        var violations = 0L;
        var reads = 0L;
        var writes = 0L;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var token = TestContext.Current.CancellationToken;
        var stopwatch = Stopwatch.StartNew();

        void Writer(int w)
        {
            var index = w;
            for (long version = 1; stopwatch.Elapsed < Duration && !token.IsCancellationRequested; version++)
            {
                var before = Volatile.Read(ref rows[index]);
                var after = TestDb.Copy(before);
                after.Likes = (int)version;
                after.Status = (int)(version % 3);
                Volatile.Write(ref rows[index], after); // the commit
                cache.NotifyUpdated(before, after);     // then the notification
                Volatile.Write(ref published[w], version); // then the write counts as completed
                Interlocked.Increment(ref writes);
                if (version % 64 == 0)
                {
                    Thread.Yield();
                }
            }
        }

        void Reader(int r)
        {
            var rng = new Random(r);
            while (stopwatch.Elapsed < Duration && !token.IsCancellationRequested)
            {
                var w = rng.Next(Writers);
                var id = w + 1;
                var minimum = Volatile.Read(ref published[w]);
                var shape = rng.Next(7);
                if (shape == 6)
                {
                    // A range list, whose removals are keyed by the rows in its answer: once a version is published, the
                    // writer's row has more likes than any earlier bound, so the row in such an answer was kept past its update.
                    var bound = (int)minimum - 1 - rng.Next(2);
                    if (photos.Cache().Where(p => p.Likes <= bound).Select(p => p.Id).ToList().Contains(id))
                    {
                        Interlocked.Increment(ref violations);
                        failures.Enqueue($"reader {r} shape 6 row {id}: listed with at most {bound} likes after version {minimum} was published");
                    }

                    Interlocked.Increment(ref reads);
                    continue;
                }

                if (shape == 5)
                {
                    // An existence test answered by a witness (the row itself). Bounds repeat across versions: a true answer
                    // cached while the row had at most `bound` likes must be gone once a later version is published.
                    var bound = (int)minimum - rng.Next(3);
                    if (photos.Cache().Any(p => p.UserId == id && p.Likes <= bound) && bound < minimum)
                    {
                        Interlocked.Increment(ref violations);
                        failures.Enqueue($"reader {r} shape 5 row {id}: a row with at most {bound} likes after version {minimum} was published");
                    }

                    Interlocked.Increment(ref reads);
                    continue;
                }

                long? seen = shape switch
                {
                    0 => photos.First(p => p.Id == id).Likes,
                    1 => photos.Cache().Where(p => p.UserId == id).Select(p => p.Likes).ToList().Single(),
                    2 => photos.Cache().Where(p => p.Likes >= 0).ToList().Single(p => p.Id == id).Likes,
                    3 => photos.Cache().Where(p => p.Status == (int)(minimum % 3)).ToList().FirstOrDefault(p => p.Id == id)?.Likes,
                    _ => photos.Cache().Where(p => p.UserId == id).Sum(p => p.Likes),
                };
                Interlocked.Increment(ref reads);
                if (seen is { } version && version < minimum)
                {
                    Interlocked.Increment(ref violations);
                    failures.Enqueue($"reader {r} shape {shape} row {id}: saw version {version} after {minimum} was published");
                }
            }
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        ThreadStart Guard(Action body) => () =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        };

        // Dedicated threads: the thread pool of a small CI machine would run the loops one after another.
        var threads = new List<Thread>();
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            threads.Add(new Thread(Guard(() => Writer(writer))) { IsBackground = true, Name = "writer " + w });
        }

        for (var r = 0; r < Readers; r++)
        {
            var reader = r;
            threads.Add(new Thread(Guard(() => Reader(reader))) { IsBackground = true, Name = "reader " + r });
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        await Task.Run(
            () =>
            {
                foreach (var thread in threads)
                {
                    thread.Join();
                }
            },
            token);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{writes} writes, {reads} reads, hits {cache.Statistics.Hits}, misses {cache.Statistics.Misses}, violations {violations}");
        Assert.Empty(errors);
        Assert.True(violations == 0, string.Join("\n", failures.Take(10)));
        Assert.True(writes > 100 && reads > 100, "too few rounds ran");
        Assert.True(cache.Statistics.Hits > 0, "no read was ever served from the cache: the test exercises nothing");

        // Quiescent: every shape returns the final versions exactly.
        for (var w = 0; w < Writers; w++)
        {
            var id = w + 1;
            var final = published[w];
            Assert.Equal(final, photos.First(p => p.Id == id).Likes);
            Assert.Equal(final, photos.Cache().Where(p => p.UserId == id).Select(p => p.Likes).ToList().Single());
            Assert.Equal(final, photos.Cache().Where(p => p.Likes >= 0).ToList().Single(p => p.Id == id).Likes);
        }
    }
}

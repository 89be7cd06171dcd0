using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary><c>Statistics.TopShapes()</c>: per-shape counts, latency, invalidations, entries, and the bound.</summary>
public sealed class ShapeStatisticsTests
{
    [Fact]
    public void TopShapes_ValuesOfOneShape_CountTogether()
    {
        using var db = new TestDb();
        for (var round = 0; round < 2; round++)
        {
            for (var user = 1; user <= 3; user++)
            {
                _ = db.Photos.Cache().Where(p => p.UserId == user && p.Status == 2).ToList();
            }
        }

        _ = db.Photos.First(p => p.Id == 4);

        var top = db.Cache.Statistics.TopShapes();
        Assert.Equal(2, top.Count);
        var list = top[0];
        Assert.Equal("Photos.Cache().Where(p => p.UserId == @0 && p.Status == @1).ToList()", list.Shape);
        Assert.Equal((3L, 3L, 0L), (list.Hits, list.Misses, list.Bypasses));
        Assert.Equal(3, list.Entries);
        Assert.Equal(0.5, list.HitRatio);
        Assert.True(list.MeanMissLatency > TimeSpan.Zero);
        Assert.Null(list.LastRefusalReason);
        Assert.Equal("Photos.First(p => p.Id == @0)", top[1].Shape);
        Assert.Equal(1, top[1].Misses);
    }

    [Fact]
    public void TopShapes_MostRequestedFirst_AndCountLimits()
    {
        using var db = new TestDb();
        for (var i = 0; i < 5; i++)
        {
            _ = db.Photos.Cache().Where(p => p.Status == i).ToList();
        }

        for (var i = 0; i < 3; i++)
        {
            _ = db.Photos.Cache().Where(p => p.UserId == i).ToList();
        }

        _ = db.Users.Cache().Where(u => u.Id == 1).ToList();

        var top = db.Cache.Statistics.TopShapes(2);
        Assert.Equal(["Photos.Cache().Where(p => p.Status == @0).ToList()", "Photos.Cache().Where(p => p.UserId == @0).ToList()"], top.Select(s => s.Shape));
        Assert.Empty(db.Cache.Statistics.TopShapes(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.Cache.Statistics.TopShapes(-1));
    }

    [Fact]
    public void TopShapes_SampledHitLatency_IsMeasured()
    {
        using var db = new TestDb();
        for (var i = 0; i < 4 * 16; i++)
        {
            _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        }

        var shape = Assert.Single(db.Cache.Statistics.TopShapes());
        Assert.Equal(63, shape.Hits);
        Assert.True(shape.MeanHitLatency > TimeSpan.Zero, "at least three of 63 hits on one thread are sampled");
    }

    [Fact]
    public void TopShapes_WriteThenRead_CountsTheInvalidatedEntry()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 2).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect(Outcome.Miss, query);

        var shape = Assert.Single(db.Cache.Statistics.TopShapes());
        Assert.Equal(1, shape.Invalidations);
        Assert.Equal((1L, 2L), (shape.Hits, shape.Misses));
        Assert.Equal(1, shape.Entries);
    }

    [Fact]
    public void TopShapes_Bound_KeepsAtMostMaxTrackedShapesAndTheHotOnes()
    {
        using var db = new TestDb(new QueryCacheOptions { MaxTrackedShapes = 4 });
        for (var i = 0; i < 20; i++)
        {
            _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
            _ = db.Photos.Cache().Where(p => p.Status == 1).ToList();
        }

        // Twelve one-off shapes, each a different predicate structure.
        _ = db.Photos.Cache().Where(p => p.Likes == 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Likes > 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Likes < 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Likes != 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Id == 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Id > 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Id < 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Id != 1).ToList();
        _ = db.Photos.Cache().Where(p => p.Title == "a").ToList();
        _ = db.Photos.Cache().Where(p => p.IsPublic).ToList();
        _ = db.Photos.Cache().Where(p => !p.IsPublic).ToList();
        _ = db.Photos.Cache().Where(p => p.AlbumId == null).ToList();

        var top = db.Cache.Statistics.TopShapes(100);
        Assert.InRange(top.Count, 1, 4);
        Assert.Equal("Photos.Cache().Where(p => p.Status == @0).ToList()", top[0].Shape);
        Assert.Equal("Photos.Cache().Where(p => p.UserId == @0).ToList()", top[1].Shape);
        Assert.Equal(19, top[0].Hits);
    }

    [Fact]
    public void TopShapes_DroppedShapeHitAgain_ComesBackWithItsCounts()
    {
        using var db = new TestDb(new QueryCacheOptions { MaxTrackedShapes = 2 });
        _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
        for (var i = 0; i < 5; i++)
        {
            _ = db.Photos.Cache().Where(p => p.Likes == i).ToList();
            _ = db.Photos.Cache().Where(p => p.Status == i).ToList();
            _ = db.Photos.Cache().Where(p => p.Id == i).ToList();
        }

        Assert.DoesNotContain(db.Cache.Statistics.TopShapes(), s => s.Shape.Contains("UserId", StringComparison.Ordinal));
        _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList(); // a hit of an entry whose shape was dropped

        var back = Assert.Single(db.Cache.Statistics.TopShapes(), s => s.Shape.Contains("UserId", StringComparison.Ordinal));
        Assert.Equal((1L, 1L), (back.Hits, back.Misses));
    }

    [Fact]
    public void TopShapes_StatisticsOff_IsEmptyAndQueriesStillCache()
    {
        using var db = new TestDb(new QueryCacheOptions { TrackShapeStatistics = false });
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 3).ToList();
        db.Prime(query);

        Assert.Empty(db.Cache.Statistics.TopShapes());
    }

    [Fact]
    public void MaxTrackedShapes_OutOfRange_Throws()
    {
        var options = new QueryCacheOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxTrackedShapes = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxTrackedShapes = 100_001);
        Assert.Equal(256, options.MaxTrackedShapes);
    }

    [Fact]
    public void Hit_WithStatistics_AllocatesNothingMoreThanWithout()
    {
        using var plain = new TestDb(new QueryCacheOptions { TrackShapeStatistics = false }, interpreted: true);
        using var tracked = new TestDb(interpreted: true);

        Assert.Equal(AllocatedPerHit(plain), AllocatedPerHit(tracked));

        static long AllocatedPerHit(TestDb db)
        {
            const int Hits = 64; // four sampled (timed) hits among them
            for (var i = 0; i < 2 * Hits; i++)
            {
                _ = db.Photos.First(p => p.Id == 5); // warm: first sampled hits may initialise per-thread state once
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Hits; i++)
            {
                _ = db.Photos.First(p => p.Id == 5);
            }

            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(3 * Hits - 1, db.Cache.Statistics.Hits);
            return bytes / Hits;
        }
    }

    [Fact]
    public void TopShapes_ConcurrentHits_AreAllCounted()
    {
        using var db = new TestDb(interpreted: true);
        _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList();

        Parallel.For(0, 4, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, worker =>
        {
            for (var i = 0; i < 500; i++)
            {
                _ = db.Photos.Cache().Where(p => p.UserId == 1).ToList();
            }
        });

        var shape = Assert.Single(db.Cache.Statistics.TopShapes());
        Assert.Equal(2000, shape.Hits);
        Assert.Equal(db.Cache.Statistics.Hits, shape.Hits);
    }
}

using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq.Keys;

namespace CacheBot.Benchmarks.Keys;

/// <summary>
/// Cache-key cost: CacheBot's 128-bit <see cref="ExpressionHasher"/> against the naive <c>Expression.ToString()</c>
/// key, for five query shapes. <c>Prebuilt</c> hashes a tree built once (the key cost alone, target 0 B);
/// <c>Fresh</c> builds the query tree in the benchmark, capturing locals in a lambda as application code does,
/// then keys it (so both sides include the tree's own allocations). The naive key is a lower bound on the naive
/// approach: <c>ToString()</c> prints <c>value(Closure).u</c>, not the captured values, so it is not even a correct key.
/// <c>CacheBot</c> is the hit path's <see cref="ExpressionHasher.HashFull"/> (through the shape's accessor plan once the
/// shape is known); <c>FullWalk</c> is the same hash by the full walk without plans, for comparison.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class KeyBenchmarks
{
    private IQueryable<Photo> _photos = null!;
    private int _userId = 42;
    private int _status = 1;
    private long _views = 500;
    private string _title = "photo 7";
    private DateTime _taken = new(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private string _name = "user 42";
    private int[] _ids10 = null!;
    private int[] _ids100 = null!;
    private Expression _two = null!, _five = null!, _in10 = null!, _in100 = null!, _navigation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _photos = PhotoData.Photos(10).AsQueryable();
        _ids10 = Enumerable.Range(1, 10).Select(i => i * 3).ToArray();
        _ids100 = Enumerable.Range(1, 100).Select(i => i * 3).ToArray();
        _two = TwoPredicates();
        _five = FivePredicates();
        _in10 = In10();
        _in100 = In100();
        _navigation = Navigation();
        foreach (var e in new[] { _two, _five, _in10, _in100, _navigation })
        {
            var hash = ExpressionHasher.Hash(e, null);
            if ((hash.Flags & ExpressionHashFlags.Unhashable) != 0)
            {
                throw new InvalidOperationException("CacheBot cannot key the benchmark expression " + e);
            }
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("TwoPredicates-Prebuilt")]
    public string TwoPredicates_Prebuilt_ToString() => _two.ToString();

    [Benchmark, BenchmarkCategory("TwoPredicates-Prebuilt")]
    public UInt128 TwoPredicates_Prebuilt_CacheBot() => ExpressionHasher.HashFull(_two, null).Full;

    [Benchmark, BenchmarkCategory("TwoPredicates-Prebuilt")]
    public UInt128 TwoPredicates_Prebuilt_FullWalk() => ExpressionHasher.HashFullWalk(_two, null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("TwoPredicates-Fresh")]
    public string TwoPredicates_Fresh_ToString() => TwoPredicates().ToString();

    [Benchmark, BenchmarkCategory("TwoPredicates-Fresh")]
    public UInt128 TwoPredicates_Fresh_CacheBot() => ExpressionHasher.HashFull(TwoPredicates(), null).Full;

    [Benchmark, BenchmarkCategory("TwoPredicates-Fresh")]
    public UInt128 TwoPredicates_Fresh_FullWalk() => ExpressionHasher.HashFullWalk(TwoPredicates(), null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("FivePredicates-Prebuilt")]
    public string FivePredicates_Prebuilt_ToString() => _five.ToString();

    [Benchmark, BenchmarkCategory("FivePredicates-Prebuilt")]
    public UInt128 FivePredicates_Prebuilt_CacheBot() => ExpressionHasher.HashFull(_five, null).Full;

    [Benchmark, BenchmarkCategory("FivePredicates-Prebuilt")]
    public UInt128 FivePredicates_Prebuilt_FullWalk() => ExpressionHasher.HashFullWalk(_five, null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("FivePredicates-Fresh")]
    public string FivePredicates_Fresh_ToString() => FivePredicates().ToString();

    [Benchmark, BenchmarkCategory("FivePredicates-Fresh")]
    public UInt128 FivePredicates_Fresh_CacheBot() => ExpressionHasher.HashFull(FivePredicates(), null).Full;

    [Benchmark, BenchmarkCategory("FivePredicates-Fresh")]
    public UInt128 FivePredicates_Fresh_FullWalk() => ExpressionHasher.HashFullWalk(FivePredicates(), null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("In10-Prebuilt")]
    public string In10_Prebuilt_ToString() => _in10.ToString();

    [Benchmark, BenchmarkCategory("In10-Prebuilt")]
    public UInt128 In10_Prebuilt_CacheBot() => ExpressionHasher.HashFull(_in10, null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("In10-Fresh")]
    public string In10_Fresh_ToString() => In10().ToString();

    [Benchmark, BenchmarkCategory("In10-Fresh")]
    public UInt128 In10_Fresh_CacheBot() => ExpressionHasher.HashFull(In10(), null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("In100-Prebuilt")]
    public string In100_Prebuilt_ToString() => _in100.ToString();

    [Benchmark, BenchmarkCategory("In100-Prebuilt")]
    public UInt128 In100_Prebuilt_CacheBot() => ExpressionHasher.HashFull(_in100, null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("In100-Fresh")]
    public string In100_Fresh_ToString() => In100().ToString();

    [Benchmark, BenchmarkCategory("In100-Fresh")]
    public UInt128 In100_Fresh_CacheBot() => ExpressionHasher.HashFull(In100(), null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("Navigation-Prebuilt")]
    public string Navigation_Prebuilt_ToString() => _navigation.ToString();

    [Benchmark, BenchmarkCategory("Navigation-Prebuilt")]
    public UInt128 Navigation_Prebuilt_CacheBot() => ExpressionHasher.HashFull(_navigation, null).Full;

    [Benchmark(Baseline = true), BenchmarkCategory("Navigation-Fresh")]
    public string Navigation_Fresh_ToString() => Navigation().ToString();

    [Benchmark, BenchmarkCategory("Navigation-Fresh")]
    public UInt128 Navigation_Fresh_CacheBot() => ExpressionHasher.HashFull(Navigation(), null).Full;

    // Each builder captures locals in a lambda, as application code does, so the closure and tree are new per call.
    private Expression TwoPredicates()
    {
        var u = _userId;
        var s = _status;
        return _photos.Where(p => p.UserId == u && p.Status == s).Expression;
    }

    private Expression FivePredicates()
    {
        var u = _userId;
        var s = _status;
        var v = _views;
        var t = _title;
        var d = _taken;
        return _photos.Where(p => p.UserId == u && p.Status == s && p.Views >= v && p.Title != t && p.Taken < d).Expression;
    }

    private Expression In10()
    {
        var ids = _ids10;
        return _photos.Where(p => ids.Contains(p.Id)).Expression;
    }

    private Expression In100()
    {
        var ids = _ids100;
        return _photos.Where(p => ids.Contains(p.Id)).Expression;
    }

    private Expression Navigation()
    {
        var name = _name;
        return _photos.Where(p => p.User!.Name == name).Expression;
    }
}

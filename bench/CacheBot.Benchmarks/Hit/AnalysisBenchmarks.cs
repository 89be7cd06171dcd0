using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Model;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// CacheBot's own share of a miss, without a database: the analysis of the 33-row list query of <see cref="MissBenchmarks"/>
/// (<c>Where(p =&gt; p.UserId == u &amp;&amp; p.Status == s)</c>, new values each call) by <see cref="QueryAnalyzer"/> (baseline)
/// and from the shape's <see cref="AnalysisPlan"/>, and a whole miss (key, shape key, plan, scheme registration, stamps, store
/// call) over a source that answers at once (<see cref="EmptyQueryable{T}"/>, store <see cref="NothingKeptStore"/>). Each
/// includes building the expression (about 1 µs), as the user's code does.
/// </summary>
public class AnalysisBenchmarks
{
    private static readonly AnalysisSettings Settings = new(64, InvalidationGranularity.Conjunctive, new HashSet<string>(), null);

    private readonly IQueryable<Photo> _root = new EmptyQueryable<Photo>();
    private readonly ClrEntityModel _model = new("bench");
    private AnalysisPlan _plan = null!;
    private QueryCache _cache = null!;
    private IQueryable<Photo> _cached = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var tree = Tree();
        var evaluations = new List<ClientEvaluation>();
        var analysis = QueryAnalyzer.Analyze(tree, _model, null, Settings, evaluations);
        _plan = AnalysisPlan.TryCreate(tree, analysis, evaluations, _model, null, Settings, null)
            ?? throw new InvalidOperationException("AnalysisBenchmarks setup: the list query has no plan");
        if (_plan.TryApply(Tree(), _model, null, Settings, null) is null)
        {
            throw new InvalidOperationException("AnalysisBenchmarks setup: the plan declined a query of its shape");
        }

        _cache = new QueryCache(new QueryCacheOptions { ResultStore = new NothingKeptStore() });
        _cached = _root.AsCacheBot(_cache);
        _ = OwnMiss();
        var planned = _cache.PlannedAnalyses;
        _ = OwnMiss();
        if (_cache.PlannedAnalyses != planned + 1 || _cache.Statistics.Misses != 2)
        {
            throw new InvalidOperationException("AnalysisBenchmarks setup: the miss did not use the plan");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark(Baseline = true)]
    public int Analyzer() => QueryAnalyzer.Analyze(Tree(), _model, null, Settings).Groups.Count;

    [Benchmark]
    public int Plan() => _plan.TryApply(Tree(), _model, null, Settings, null)!.Groups.Count;

    [Benchmark]
    public List<Photo> OwnMiss()
    {
        // Distinct values: an equal user and status would be another equality pattern, which the plan declines.
        var u = 10 + (_next++ & 63);
        var s = 1;
        return _cached.Cache().Where(p => p.UserId == u && p.Status == s).ToList();
    }

    private Expression Tree()
    {
        var u = 10 + (_next++ & 63);
        var s = 1;
        return _root.Where(p => p.UserId == u && p.Status == s).Expression;
    }
}

using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Tests.Invalidation;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Diagnostics;

/// <summary>A query operator CacheBot does not know (a provider-specific method on the chain).</summary>
public static class TestOperators
{
    private static readonly MethodInfo EveryOtherDefinition =
        typeof(TestOperators).GetMethods().Single(m => m.Name == nameof(EveryOther) && m.GetParameters()[0].ParameterType.Name.StartsWith("IQueryable", StringComparison.Ordinal));

    /// <summary>Keeps every other row; LINQ-to-Objects runs the <see cref="IEnumerable{T}"/> overload.</summary>
    public static IQueryable<T> EveryOther<T>(this IQueryable<T> source) =>
        source.Provider.CreateQuery<T>(Expression.Call(null, EveryOtherDefinition.MakeGenericMethod(typeof(T)), source.Expression));

    /// <summary>The overload <see cref="EnumerableQuery{T}"/> rewrites the call to.</summary>
    public static IEnumerable<T> EveryOther<T>(this IEnumerable<T> source) => source.Where((_, i) => i % 2 == 0);
}

/// <summary>Named queries over <see cref="TestDb"/>, each with its <c>Explain()</c> and its run, for decision-vs-outcome checks.</summary>
public static class QueryCatalog
{
    private static readonly Dictionary<string, Func<TestDb, (Func<CacheExplanation> Explain, Action Run)>> Entries = new()
    {
        ["cached where"] = db => Pair(db.Photos.Cache().Where(p => p.UserId == 1 && p.Status == 2)),
        ["cached navigation"] = db => Pair(db.Photos.Cache().Where(p => p.User.Name == "bob")),
        ["cached contains"] = db =>
        {
            int[] ids = [1, 2, 3];
            return Pair(db.Photos.Cache().Where(p => ids.Contains(p.Id)));
        },
        ["get by default"] = db => (() => db.Photos.Explain(q => q.First(p => p.Id == 3)), () => db.Photos.First(p => p.Id == 3)),
        ["cached count"] = db => (() => db.Photos.Cache().Explain(q => q.Count(p => p.Status == 1)), () => db.Photos.Cache().Count(p => p.Status == 1)),
        ["plain list"] = db => Pair(db.Photos.Where(p => p.UserId == 1)),
        ["plain count"] = db => (() => db.Photos.Explain(q => q.Count()), () => db.Photos.Count()),
        ["no cache"] = db => Pair(db.Photos.Cache().NoCache().Where(p => p.Id == 1)),
        ["DateTime.Now"] = db => Pair(db.Photos.Cache().Where(p => p.Likes < DateTime.Now.Second)),
        ["unknown client method"] = db => Pair(db.Photos.Cache().Where(p => p.Likes < MyClock.Now())),
        ["captured dictionary"] = db =>
        {
            var lookup = new Dictionary<int, string> { [1] = "a" };
            return Pair(db.Photos.Cache().Where(p => lookup.ContainsKey(p.Id)));
        },
        ["unknown operator"] = db => Pair(db.Photos.Cache().EveryOther()),
        ["unknown table"] = db => Pair(new[] { 1, 2, 3 }.AsQueryable().AsCacheBot(db.Cache).Cache().Where(x => x > 1)),
        ["write scope"] = db =>
        {
            var query = db.Photos.Cache().Where(p => p.UserId == 2);
            return (
                () =>
                {
                    using var scope = db.Cache.BeginWriteScope();
                    return query.Explain();
                },
                () =>
                {
                    using var scope = db.Cache.BeginWriteScope();
                    _ = query.ToList();
                });
        },
    };

    public static IEnumerable<string> Names => Entries.Keys;

    public static (Func<CacheExplanation> Explain, Action Run) Get(string name, TestDb db) => Entries[name](db);

    private static (Func<CacheExplanation>, Action) Pair<T>(IQueryable<T> query) => (() => query.Explain(), () => _ = query.ToList());
}

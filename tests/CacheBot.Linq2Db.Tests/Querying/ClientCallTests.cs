using System.Collections.ObjectModel;
using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>A mutable holder of the value a query uses (the "h.V" of the issue).</summary>
public sealed class ValueHolder
{
    public int V { get; set; }

    public int GetV() => V;
}

/// <summary>An object whose state is private: its key is its identity, not its value.</summary>
public sealed class OpaqueHolder
{
    private int _v;

    public OpaqueHolder(int v) => _v = v;

    public void Set(int v) => _v = v;

    public override string ToString() => "p" + _v;
}

/// <summary>A holder whose hashed members (one level) do not include the value: <c>Outer.Inner.V</c>.</summary>
public sealed class OuterHolder
{
    public int Tag { get; set; }

    public ValueHolder Inner { get; set; } = new();
}

/// <summary>A read-only list view over a holder: its indexer reads live state.</summary>
public sealed class LiveList(ValueHolder holder) : IReadOnlyList<int>
{
    public int this[int index] => holder.V;

    public int Count => 1;

    public IEnumerator<int> GetEnumerator()
    {
        yield return 0; // enumeration does not show the live value: only the indexer does
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Client-side calls whose result the key does not hold (a captured delegate, an instance method, a virtual override, a
/// lazy value, a deep read through an indexer, a custom list's indexer): the query must give the current answer every time.
/// Each form runs, the value changes, and it runs again; a stale answer fails the test. The forms are refused (run uncached).
/// </summary>
public sealed class ClientCallTests
{
    public static TheoryData<string, string> Forms()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var form in new[]
            {
                "captured Func<int>", "captured Func<int,int> in projection", "delegate.Invoke()", "instance method", "virtual ToString override",
                "Lazy<T>.Value", "list[0].Inner.V", "array[0].Inner.V", "cast then deep read", "custom IReadOnlyList indexer",
                "Enumerable.First over captured list then deep read",
            })
            {
                data.Add(provider, form);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task ClientCall_ValueChangesBetweenRuns_AnswersFollowTheValue(string provider, string form)
    {
        using var recorder = new RefusalRecorder();
        using var cache = new QueryCache(new QueryCacheOptions(), recorder);
        await using var test = await TestDb.CreateAsync(provider, cache);
        using var db = test.Open();
        using var plain = new LinqToDB.Data.DataConnection(test.PlainOptions);
        var h = new ValueHolder { V = 1 };
        var opaque = new OpaqueHolder(1);
        var outer = new OuterHolder { Inner = h };
        var outers = new List<OuterHolder> { outer };
        var outerArray = new[] { outer };
        object boxed = outer;
        var live = new LiveList(h);
        Func<int> get = () => h.V;
        Func<int, int> plus = x => x + h.V;
        Lazy<int> lazy = new(() => h.V);

        IQueryable<int> Query(IQueryable<Photo> q) => form switch
        {
            "captured Func<int>" => q.Where(x => x.Id == get()).Select(x => x.Id),
            "captured Func<int,int> in projection" => q.Where(x => x.Id == 1).Select(x => plus(x.Id)),
            "delegate.Invoke()" => q.Where(x => x.Id == get.Invoke()).Select(x => x.Id),
            "instance method" => q.Where(x => x.Id == h.GetV()).Select(x => x.Id),
            "virtual ToString override" => q.Where(x => x.Title == opaque.ToString()).Select(x => x.Id),
            "Lazy<T>.Value" => q.Where(x => x.Id == lazy.Value).Select(x => x.Id),
            "list[0].Inner.V" => q.Where(x => x.Id == outers[0].Inner.V).Select(x => x.Id),
            "array[0].Inner.V" => q.Where(x => x.Id == outerArray[0].Inner.V).Select(x => x.Id),
            "cast then deep read" => q.Where(x => x.Id == ((OuterHolder)boxed).Inner.V).Select(x => x.Id),
            "custom IReadOnlyList indexer" => q.Where(x => x.Id == live[0]).Select(x => x.Id),
            "Enumerable.First over captured list then deep read" => q.Where(x => x.Id == outers.First().Inner.V).Select(x => x.Id),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };

        for (var v = 1; v <= 3; v++)
        {
            h.V = v;
            opaque.Set(v);
            if (form == "Lazy<T>.Value")
            {
                lazy = new Lazy<int>(() => h.V);
            }

            var expected = Query(plain.GetTable<Photo>()).ToList();
            for (var run = 0; run < 2; run++)
            {
                var actual = Query(db.GetTable<Photo>().AsCacheBot().Cache()).ToList();
                Assert.Equal(expected, actual);
            }
        }

        Assert.Equal(0, cache.Statistics.Hits);
        Assert.Equal(6, cache.Statistics.Bypasses);
        Assert.All(recorder.Refusals, r => Assert.Equal(nameof(Linq.Analysis.RefusalReason.NonDeterministic), r.Reason));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ClientValuesTheKeyHolds_AreCached_AndFollowTheValue(string provider)
    {
        // Plain captured values, members of captured objects, list indexers and framework collections are in the key.
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        var h = new ValueHolder { V = 1 };
        var outer = new OuterHolder { Inner = h, Tag = 2 };
        var ids = new List<int> { 3 };
        var view = new ReadOnlyCollection<int>(ids);

        List<int> Run() => db.GetTable<Photo>().AsCacheBot().Cache()
            .Where(x => x.Id == h.V || x.Id == outer.Inner.V + 10 || x.Id == ids[0] || x.Id == view[0] + 1 || x.Id == outer.Tag + 5)
            .Select(x => x.Id).OrderBy(x => x).ToList();

        Assert.Equal([1, 3, 4, 7, 11], Run());
        Assert.Equal([1, 3, 4, 7, 11], Run());
        Assert.Equal(1, test.Cache.Statistics.Hits);
        h.V = 2;
        ids[0] = 5;
        Assert.Equal([2, 5, 6, 7, 12], Run());
        outer.Tag = 3;
        Assert.Equal([2, 5, 6, 8, 12], Run());
        Assert.Equal(0, test.Cache.Statistics.Bypasses);
    }
}

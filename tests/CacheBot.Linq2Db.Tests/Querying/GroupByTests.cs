using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// <c>GroupBy</c> in its forms is cached; a <c>Where</c> before it narrows the dependencies (a write to another user's photo
/// keeps the entry), a <c>Where</c> after it (HAVING) or on rows surfacing from a group does not narrow, and every answer
/// equals plain linq2db's after each write.
/// </summary>
public sealed class GroupByTests
{
    public static TheoryData<string, string> Shapes()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var shape in Queries.Keys)
            {
                data.Add(provider, shape);
            }
        }

        return data;
    }

    private static string Canonical(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static readonly Dictionary<string, Func<IQueryable<Photo>, IQueryable<Tag>, object>> Queries = new()
    {
        ["key + count"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).OrderBy(x => x.Key).ToList(),
        ["sum, max, min"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status)
            .Select(g => new { g.Key, Sum = g.Sum(p => p.Id), Max = g.Max(p => p.Id), Min = g.Min(p => p.Title) }).OrderBy(x => x.Key).ToList(),
        ["element selector"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status, p => p.Id).Select(g => new { g.Key, Max = g.Max() }).OrderBy(x => x.Key).ToList(),
        ["result selector"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status, (k, items) => new { k, C = items.Count() }).OrderBy(x => x.k).ToList(),
        ["element and result selectors"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status, p => p.Id, (k, ids) => new { k, S = ids.Sum() }).OrderBy(x => x.k).ToList(),
        ["composite key"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => new { p.UserId, p.Status }).Select(g => new { g.Key.UserId, g.Key.Status, C = g.Count() })
            .OrderBy(x => x.Status).ToList(),
        ["g.Where(...).Count()"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status).Select(g => new { g.Key, C = g.Count(p => p.Id > 3) }).OrderBy(x => x.Key).ToList(),
        ["having on count"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status).Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(k => k).ToList(),
        ["having on key"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status).Where(g => g.Key == 1).Select(g => g.Count()).ToList(),
        ["count of groups"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.Status).Count(),
        ["navigation key"] = (q, t) => q.Where(p => p.UserId == 1).GroupBy(p => p.User.Name).Select(g => new { g.Key, C = g.Count() }).ToList(),
        ["group join"] = (q, t) => q.Where(p => p.UserId == 1).GroupJoin(t, p => p.Id, x => x.PhotoId, (p, g) => new { p.Id, Tags = g.Count() }).OrderBy(x => x.Id).ToList(),
        ["query syntax group"] = (q, t) => (from p in q where p.UserId == 1 group p by p.Status into g orderby g.Key select new { g.Key, C = g.Count() }).ToList(),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task GroupBy_CachedAndPreciselyInvalidated_AnswersEqualPlainLinq2Db(string provider, string shape)
    {
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        using var plain = new LinqToDB.Data.DataConnection(test.PlainOptions);
        var query = Queries[shape];
        string Cached() => Canonical(query(db.GetTable<Photo>().AsCacheBot().Cache(), db.GetTable<Tag>()));
        string Plain() => Canonical(query(plain.GetTable<Photo>(), plain.GetTable<Tag>()));

        Assert.Equal(Plain(), Cached());
        Assert.Equal(Plain(), Cached());
        Assert.Equal(1, test.Cache.Statistics.Hits);
        Assert.Equal(0, test.Cache.Statistics.Bypasses);

        // A photo of another user (before and after the write): outside the Where before the GroupBy.
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.Status, 5).Update();
        Assert.Equal(Plain(), Cached());
        Assert.Equal(2, test.Cache.Statistics.Hits);
        // A photo of user 1 changes group, then moves to another user, then a new photo of user 1 arrives.
        db.GetTable<Photo>().Where(p => p.Id == 4).Set(p => p.Status, 0).Update();
        Assert.Equal(Plain(), Cached());
        db.GetTable<Photo>().Where(p => p.Id == 7).Set(p => p.UserId, 2).Update();
        Assert.Equal(Plain(), Cached());
        db.Insert(new Photo { Id = 50, UserId = 1, Status = 1, Title = "new" });
        Assert.Equal(Plain(), Cached());
        db.Insert(new Tag { Id = 50, PhotoId = 1, Name = "t" });
        Assert.Equal(Plain(), Cached());
        db.GetTable<User>().Where(u => u.Id == 1).Set(u => u.Name, "zed").Update();
        Assert.Equal(Plain(), Cached());
        Assert.Equal(0, test.Cache.Statistics.Bypasses);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task GroupByThenFirstOfGroupThenWhere_WriteToAnotherRowOfTheGroup_NotStale(string provider)
    {
        // Rows surfacing from a group depend on the other rows of the group: a later Where must not narrow.
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        using var plain = new LinqToDB.Data.DataConnection(test.PlainOptions);
        List<int> Run(IQueryable<Photo> q) =>
            q.GroupBy(p => p.UserId).Select(g => g.OrderBy(p => p.Id).First()).Where(p => p.Status == 1).Select(p => p.Id).OrderBy(i => i).ToList();

        Assert.Equal(Run(plain.GetTable<Photo>()), Run(db.GetTable<Photo>().AsCacheBot().Cache()));
        Assert.Equal(Run(plain.GetTable<Photo>()), Run(db.GetTable<Photo>().AsCacheBot().Cache()));

        // Photo 1 (user 1, status 1) is the first of its group; deleting it makes photo 4 (status 0) the first.
        db.GetTable<Photo>().Where(p => p.Id == 1).Delete();
        Assert.Equal(Run(plain.GetTable<Photo>()), Run(db.GetTable<Photo>().AsCacheBot().Cache()));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task GroupByHavingOnKey_WriteToAnotherGroup_Invalidates(string provider)
    {
        // HAVING does not narrow: a write to user 2's photos invalidates a query about user 1's group (sound, coarser).
        await using var test = await TestDb.CreateAsync(provider);
        using var db = test.Open();
        int Run() => db.GetTable<Photo>().AsCacheBot().Cache().GroupBy(p => p.UserId).Where(g => g.Key == 1).Select(g => g.Count()).Single();

        Assert.Equal(4, Run());
        Assert.Equal(4, Run());
        db.GetTable<Photo>().Where(p => p.Id == 2).Set(p => p.UserId, 1).Update();
        Assert.Equal(5, Run());
        Assert.Equal(1, test.Cache.Statistics.Hits);
    }
}

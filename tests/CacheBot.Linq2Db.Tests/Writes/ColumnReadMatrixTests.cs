using System.Globalization;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Writes;

/// <summary>
/// Column-aware invalidation against every way a query can read a column (here <see cref="SCard.Likes"/>): projections,
/// dynamic column access (<c>Sql.Property</c>), ordering, grouping, aggregates, comparisons other than equality,
/// subqueries, joins, whole rows. After an update of that column only, each cached answer must be the database's.
/// </summary>
public sealed class ColumnReadMatrixTests
{
    private static readonly (string Name, bool Cached, Func<DataConnection, bool, string> Run)[] Shapes =
    [
        ("projection of the column", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => x.Likes))),
        ("Sql.Property projection", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => Sql.Property<int>(x, "Likes")))),
        ("Sql.Property predicate", true, (d, c) => Cards(d, c).Count(x => Sql.Property<int>(x, nameof(SCard.Likes)) > 0).ToString(CultureInfo.InvariantCulture)),
        ("ordering", true, (d, c) => Join(Cards(d, c).Where(x => x.Owner == 1).OrderBy(x => x.Likes).ThenBy(x => x.Id).Select(x => x.Id))),
        ("ordering descending then First", true, (d, c) => Cards(d, c).OrderByDescending(x => x.Likes).ThenByDescending(x => x.Id).Select(x => x.Id).First().ToString(CultureInfo.InvariantCulture)),
        ("Count with a comparison", true, (d, c) => Cards(d, c).Count(x => x.Likes > 0).ToString(CultureInfo.InvariantCulture)),
        ("Count with equality", true, (d, c) => Cards(d, c).Count(x => x.Likes == 0).ToString(CultureInfo.InvariantCulture)),
        ("Count with inequality", true, (d, c) => Cards(d, c).Count(x => x.Likes != 0).ToString(CultureInfo.InvariantCulture)),
        ("Count with a negation", true, (d, c) => Cards(d, c).Count(x => !(x.Likes == 0)).ToString(CultureInfo.InvariantCulture)),
        ("Contains list", true, (d, c) => Cards(d, c).Count(x => new[] { 5, 6 }.Contains(x.Likes)).ToString(CultureInfo.InvariantCulture)),
        ("Max", true, (d, c) => Cards(d, c).Max(x => x.Likes).ToString(CultureInfo.InvariantCulture)),
        ("Sum", true, (d, c) => Cards(d, c).Sum(x => x.Likes).ToString(CultureInfo.InvariantCulture)),
        ("Average", true, (d, c) => Cards(d, c).Average(x => (double)x.Likes).ToString(CultureInfo.InvariantCulture)),
        ("Any with a comparison", true, (d, c) => Cards(d, c).Any(x => x.Likes > 3).ToString()),
        ("All", true, (d, c) => Cards(d, c).All(x => x.Likes < 3).ToString()),
        ("range filter", true, (d, c) => Join(Cards(d, c).Where(x => x.Likes >= 1 && x.Likes <= 10).Select(x => x.Id))),
        ("concatenation", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => x.Title + x.Likes))),
        ("ToString", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => x.Likes.ToString(CultureInfo.InvariantCulture)))),
        ("conditional", true, (d, c) => Join(Cards(d, c).OrderBy(x => x.Id).Select(x => x.Likes > 0 ? "y" : "n"))),
        ("Sql.AsSql", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => Sql.AsSql(x.Likes)))),
        ("whole row in an anonymous type", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => new { x.Id, Row = x }).ToList().Select(a => a.Row.Likes))),
        ("member-init projection", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => new SCard { Id = x.Id, Likes = x.Likes }).ToList().Select(a => a.Likes))),
        ("GroupBy key", true, (d, c) => Join(Cards(d, c).GroupBy(x => x.Likes).Select(g => g.Key).OrderBy(k => k))),
        ("GroupBy count", true, (d, c) => Join(Cards(d, c).GroupBy(x => x.Owner).Select(g => g.Sum(x => x.Likes)).OrderBy(k => k))),
        ("Distinct count", true, (d, c) => Cards(d, c).Select(x => x.Likes).Distinct().Count().ToString(CultureInfo.InvariantCulture)),
        ("self join", true, (d, c) => Join(from a in Cards(d, c) join b in d.GetTable<SCard>() on a.Id equals b.Id where a.Id == 1 select b.Likes)),
        ("correlated subquery", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).Select(x => d.GetTable<SCard>().Count(y => y.Likes < x.Likes)))),
        ("SelectMany on the column", true, (d, c) => Join(Cards(d, c).Where(x => x.Id == 1).SelectMany(x => d.GetTable<SCard>().Where(y => y.Likes == x.Likes)).OrderBy(y => y.Id).Select(y => y.Id))),
        ("maximum subquery", true, (d, c) => Join(Cards(d, c).Where(x => x.Likes == d.GetTable<SCard>().Max(y => y.Likes)).OrderBy(x => x.Id).Select(x => x.Id))),
        ("Skip after ordering", true, (d, c) => Join(Cards(d, c).OrderBy(x => x.Likes).ThenBy(x => x.Id).Skip(2).Select(x => x.Id))),
    ];

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var way in new[] { "entity", "dml", "raw" })
            {
                for (var i = 0; i < Shapes.Length; i++)
                {
                    data.Add(provider, way, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void UpdateOfTheColumnAlone_EveryCachedReadOfItAnswersFresh(string provider, string way, int shape)
    {
        var (name, cached, run) = Shapes[shape];
        using var test = SchemaDb.Create(provider, ColumnAwareInvalidationTests.SqliteDdl, ColumnAwareInvalidationTests.PostgresDdl);
        using var db = test.Open();
        var before = run(db, true);
        var (again, hit) = Probe.Run(test.Cache, () => run(db, true));
        Assert.Equal(before, again);
        Assert.True(cached == hit, $"{name}: expected {(cached ? "a hit" : "no caching")} on the second run");

        if (way == "entity")
        {
            var card = PlainRead(test);
            card.Likes = 5;
            db.Update(card);
        }
        else if (way == "dml")
        {
            db.GetTable<SCard>().Where(x => x.Id == 1).Set(x => x.Likes, 5).Update();
        }
        else
        {
            var quote = provider == "postgres" ? "\"" : string.Empty;
            db.Execute($"UPDATE {quote}Card{quote} SET {quote}Likes{quote} = 5 WHERE {quote}Id{quote} = 1");
        }

        using var plain = test.OpenPlain();
        var expected = run(plain, false);
        Assert.NotEqual(before, expected); // the write changes the answer, so a stale entry would show
        Assert.Equal(expected, run(db, true));
    }

    private static SCard PlainRead(SchemaDb test)
    {
        using var plain = test.OpenPlain();
        return plain.GetTable<SCard>().Single(x => x.Id == 1);
    }

    private static IQueryable<SCard> Cards(DataConnection db, bool cached) =>
        cached ? db.GetTable<SCard>().AsCacheBot().Cache() : db.GetTable<SCard>();

    private static string Join<T>(IEnumerable<T> values) => string.Join(",", values);
}

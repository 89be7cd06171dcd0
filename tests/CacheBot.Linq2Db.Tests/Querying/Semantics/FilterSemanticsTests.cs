#pragma warning disable CA1304,CA1309,CA1311,CA1847,CA1862,CA1866
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying.Semantics;

/// <summary>
/// Filters the database evaluates with its own text, number and date semantics (case folding, LIKE, trimming,
/// arithmetic, ranges, null tests, date parts) against writes that land on the edges of those semantics (a value that
/// differs only in case or trailing spaces, a number that moves across a range bound): each cached answer equals the
/// database's, on SQLite and PostgreSQL.
/// </summary>
public sealed class FilterSemanticsTests
{
    private const string SqliteDdl = """
        CREATE TABLE FItem (Id INTEGER PRIMARY KEY, Title TEXT NOT NULL, Num INTEGER NOT NULL, Amount REAL NOT NULL, At TEXT NULL);
        INSERT INTO FItem VALUES (1, 'ab', 2, 1.5, '2024-01-01 10:00:00'), (2, 'cd', 3, 2.5, NULL), (3, 'b', 4, 0.1, '2024-01-02 00:00:00');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "FItem" ("Id" INTEGER PRIMARY KEY, "Title" TEXT NOT NULL, "Num" INTEGER NOT NULL, "Amount" DOUBLE PRECISION NOT NULL, "At" TIMESTAMP NULL);
        INSERT INTO "FItem" VALUES (1, 'ab', 2, 1.5, '2024-01-01 10:00:00'), (2, 'cd', 3, 2.5, NULL), (3, 'b', 4, 0.1, '2024-01-02 00:00:00');
        """;

    private static IEnumerable<(string Name, Func<IQueryable<FItem>, object?> Query)> Queries()
    {
        var ab = "ab";
        yield return ("eq", q => Ids(q.Where(p => p.Title == "ab")));
        yield return ("ToLower eq", q => Ids(q.Where(p => p.Title.ToLower() == "ab")));
        yield return ("ToUpper eq", q => Ids(q.Where(p => p.Title.ToUpper() == "AB")));
        yield return ("StartsWith", q => Ids(q.Where(p => p.Title.StartsWith("ab"))));
        yield return ("StartsWith captured", q => Ids(q.Where(p => p.Title.StartsWith(ab))));
        yield return ("Contains", q => Ids(q.Where(p => p.Title.Contains('b'))));
        yield return ("EndsWith", q => Ids(q.Where(p => p.Title.EndsWith("b"))));
        yield return ("Trim eq", q => Ids(q.Where(p => p.Title.Trim() == "ab")));
        yield return ("Length", q => Ids(q.Where(p => p.Title.Length == 2)));
        yield return ("Num+1", q => Ids(q.Where(p => p.Num + 1 == 3)));
        yield return ("Num%2", q => Ids(q.Where(p => p.Num % 2 == 0)));
        yield return ("-Num", q => Ids(q.Where(p => -p.Num == -2)));
        yield return ("Num&1", q => Ids(q.Where(p => (p.Num & 1) == 0)));
        yield return ("Compare<", q => Ids(q.Where(p => string.Compare(p.Title, "b") < 0)));
        yield return ("CompareTo>", q => Ids(q.Where(p => p.Title.CompareTo("b") > 0)));
        yield return ("eq or", q => Ids(q.Where(p => p.Title == "ab" || p.Title == "AB")));
        yield return ("in", q => Ids(q.Where(p => new[] { "ab", "cd" }.Contains(p.Title))));
        yield return ("lower contains", q => Ids(q.Where(p => p.Title.ToLower().Contains("a"))));
        yield return ("Substring", q => Ids(q.Where(p => p.Title.Substring(0, 1) == "a")));
        yield return ("concat", q => Ids(q.Where(p => p.Title + "x" == "abx")));
        yield return ("Replace", q => Ids(q.Where(p => p.Title.Replace("A", "a") == "ab")));
        yield return ("ne", q => Ids(q.Where(p => p.Title != "ab")));
        yield return ("count lower", q => q.Count(p => p.Title.ToLower() == "ab"));
        yield return ("any lower", q => q.Any(p => p.Title.ToLower() == "ab"));
        yield return ("first lower", q => q.Where(p => p.Title.ToLower() == "ab").OrderBy(p => p.Id).Select(p => p.Id).FirstOrDefault());
        yield return ("range num", q => Ids(q.Where(p => p.Num > 1 && p.Num < 4)));
        yield return ("range amount", q => Ids(q.Where(p => p.Amount > 1.0 && p.Amount <= 2.5)));
        yield return ("amount*2", q => Ids(q.Where(p => p.Amount * 2 == 3.0)));
        yield return ("date eq", q => Ids(q.Where(p => p.At == new DateTime(2024, 1, 1, 10, 0, 0))));
        yield return ("date Date", q => Ids(q.Where(p => p.At!.Value.Date == new DateTime(2024, 1, 1))));
        yield return ("date range", q => Ids(q.Where(p => p.At >= new DateTime(2024, 1, 1) && p.At < new DateTime(2024, 1, 2))));
        yield return ("At null", q => Ids(q.Where(p => p.At == null)));
        yield return ("At not null", q => Ids(q.Where(p => p.At != null)));
        yield return ("max title", q => q.Max(p => p.Title));
        yield return ("min lower", q => q.Min(p => p.Title.ToLower()));
        yield return ("distinct lower", q => string.Join(",", q.Select(p => p.Title.ToLower()).Distinct().ToList().Order(StringComparer.Ordinal)));
        yield return ("group lower", q => string.Join(",", q.GroupBy(p => p.Title.ToLower()).Select(g => g.Key + ":" + g.Count()).ToList().Order(StringComparer.Ordinal)));
        yield return ("orderby title take", q => Ids(q.OrderBy(p => p.Title).ThenBy(p => p.Id).Take(2), ordered: true));
        yield return ("sum amount", q => Math.Round(q.Sum(p => p.Amount), 6));
        yield return ("title by id", q => q.Where(p => p.Id == 1).Select(p => p.Title).FirstOrDefault());
    }

    private static string Ids(IQueryable<FItem> q, bool ordered = false)
    {
        var ids = q.Select(p => p.Id).ToList();
        return string.Join(",", ordered ? ids : ids.Order());
    }

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes()
    {
        yield return ("insert AB", db => db.Insert(new FItem { Id = 10, Title = "AB", Num = 2, Amount = 1.5 }));
        yield return ("insert ' ab '", db => db.Insert(new FItem { Id = 11, Title = " ab ", Num = 5, Amount = 3 }));
        yield return ("update 1 Ab", db => db.GetTable<FItem>().Where(p => p.Id == 1).Set(p => p.Title, "Ab").Update());
        yield return ("update 1 'ab '", db => db.GetTable<FItem>().Where(p => p.Id == 1).Set(p => p.Title, "ab ").Update());
        yield return ("update 2 aB", db => db.GetTable<FItem>().Where(p => p.Id == 2).Set(p => p.Title, "aB").Update());
        yield return ("update 3 num 1", db => db.GetTable<FItem>().Where(p => p.Id == 3).Set(p => p.Num, 1).Update());
        yield return ("update 3 amount 1.5", db => db.GetTable<FItem>().Where(p => p.Id == 3).Set(p => p.Amount, 1.5).Update());
        yield return ("update 2 At", db => db.GetTable<FItem>().Where(p => p.Id == 2).Set(p => p.At, new DateTime(2024, 1, 1, 23, 59, 59)).Update());
        yield return ("raw update title", db => db.Execute("UPDATE \"FItem\" SET \"Title\" = 'AB' WHERE \"Id\" = 3"));
        yield return ("entity update", db => { var r = db.GetTable<FItem>().Single(p => p.Id == 10); r.Title = "ab"; db.Update(r); });
        yield return ("delete 10", db => db.GetTable<FItem>().Where(p => p.Id == 10).Delete());
        yield return ("insert b", db => db.Insert(new FItem { Id = 12, Title = "B", Num = 0, Amount = -1 }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryFilter_AnswersAsTheDatabase_AfterWritesOnItsEdges(string provider)
    {
        PlainComparison.Run(provider, SqliteDdl, PostgresDdl, PlainComparison.Table<FItem>, _ => Queries(), _ => Writes());
    }
}

[Table("FItem")]
public sealed class FItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";

    [Column]
    public int Num { get; set; }

    [Column]
    public double Amount { get; set; }

    [Column]
    public DateTime? At { get; set; }
}

using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying.Semantics;

/// <summary>
/// Filters over nullable columns, which linq2db compiles with C# semantics (<c>x.Email != "a"</c> keeps the nulls) into
/// SQL with three-valued logic: equalities, exclusions, negations, <c>In</c> lists holding null, comparisons of two
/// columns, coalescing, against writes that move values into and out of null. Each cached answer equals the database's,
/// on SQLite and PostgreSQL.
/// </summary>
public sealed class NullSemanticsTests
{
    private const string SqliteDdl = """
        CREATE TABLE NRow (Id INTEGER PRIMARY KEY, Email TEXT NULL, Level INTEGER NULL, Other INTEGER NULL, Flag INTEGER NULL);
        INSERT INTO NRow VALUES (1, 'a', 1, 1, 1), (2, NULL, 2, NULL, 0), (3, 'b', NULL, 3, NULL), (4, '', 4, 5, 1);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "NRow" ("Id" INTEGER PRIMARY KEY, "Email" TEXT NULL, "Level" INTEGER NULL, "Other" INTEGER NULL, "Flag" BOOLEAN NULL);
        INSERT INTO "NRow" VALUES (1, 'a', 1, 1, TRUE), (2, NULL, 2, NULL, FALSE), (3, 'b', NULL, 3, NULL), (4, '', 4, 5, TRUE);
        """;

    private static IEnumerable<(string Name, Func<IQueryable<NRow>, object?> Query)> Queries()
    {
        string? none = null;
        int? noLevel = null;
        var a = "a";
        yield return ("Email == null", q => Ids(q.Where(x => x.Email == null)));
        yield return ("Email != null", q => Ids(q.Where(x => x.Email != null)));
        yield return ("Email == captured null", q => Ids(q.Where(x => x.Email == none)));
        yield return ("Email != captured null", q => Ids(q.Where(x => x.Email != none)));
        yield return ("Email != a", q => Ids(q.Where(x => x.Email != "a")));
        yield return ("Email != captured a", q => Ids(q.Where(x => x.Email != a)));
        yield return ("!(Email == a)", q => Ids(q.Where(x => !(x.Email == "a"))));
        yield return ("IsNullOrEmpty", q => Ids(q.Where(x => string.IsNullOrEmpty(x.Email))));
        yield return ("coalesce", q => Ids(q.Where(x => (x.Email ?? "") == "")));
        yield return ("Level > 1", q => Ids(q.Where(x => x.Level > 1)));
        yield return ("!(Level > 1)", q => Ids(q.Where(x => !(x.Level > 1))));
        yield return ("Level != 1", q => Ids(q.Where(x => x.Level != 1)));
        yield return ("Level == captured null", q => Ids(q.Where(x => x.Level == noLevel)));
        yield return ("Level in (1, null)", q => Ids(q.Where(x => new int?[] { 1, null }.Contains(x.Level))));
        yield return ("Level not in (1, null)", q => Ids(q.Where(x => !new int?[] { 1, null }.Contains(x.Level))));
        yield return ("Level not in (1, 2)", q => Ids(q.Where(x => !new int?[] { 1, 2 }.Contains(x.Level))));
        yield return ("Level == Other", q => Ids(q.Where(x => x.Level == x.Other)));
        yield return ("Level != Other", q => Ids(q.Where(x => x.Level != x.Other)));
        yield return ("HasValue false", q => Ids(q.Where(x => !x.Level.HasValue)));
        yield return ("Level + Other > 3", q => Ids(q.Where(x => x.Level + x.Other > 3)));
        yield return ("Flag == true", q => Ids(q.Where(x => x.Flag == true)));
        yield return ("Flag != true", q => Ids(q.Where(x => x.Flag != true)));
        yield return ("Flag ?? false", q => Ids(q.Where(x => x.Flag ?? false)));
        yield return ("!Flag.Value where HasValue", q => Ids(q.Where(x => x.Flag.HasValue && !x.Flag.Value)));
        yield return ("count Email != a", q => q.Count(x => x.Email != "a"));
        yield return ("any Level == null", q => q.Any(x => x.Level == null));
        yield return ("max Level", q => q.Max(x => x.Level));
        yield return ("sum Level", q => q.Sum(x => x.Level));
        yield return ("average Level", q => q.Average(x => x.Level));
        yield return ("min Email", q => q.Min(x => x.Email));
        yield return ("group Level", q => string.Join(",", q.GroupBy(x => x.Level).Select(g => new { g.Key, Count = g.Count() }).ToList().Select(g => (g.Key == null ? "null" : g.Key.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ":" + g.Count).Order(StringComparer.Ordinal)));
        yield return ("distinct Email", q => string.Join(",", q.Select(x => x.Email ?? "null").Distinct().ToList().Order(StringComparer.Ordinal)));
        yield return ("order by Level take 2", q => string.Join(",", q.OrderBy(x => x.Level).ThenBy(x => x.Id).Take(2).Select(x => x.Id).ToList()));
        yield return ("first with null Email", q => q.Where(x => x.Email == null).OrderBy(x => x.Id).Select(x => (int?)x.Id).FirstOrDefault());
    }

    private static string Ids(IQueryable<NRow> q) => string.Join(",", q.Select(x => x.Id).ToList().Order());

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes()
    {
        yield return ("row 1 email null", db => db.GetTable<NRow>().Where(x => x.Id == 1).Set(x => x.Email, (string?)null).Update());
        yield return ("row 2 email a", db => db.GetTable<NRow>().Where(x => x.Id == 2).Set(x => x.Email, "a").Update());
        yield return ("insert all null", db => db.Insert(new NRow { Id = 5 }));
        yield return ("row 3 level 1", db => db.GetTable<NRow>().Where(x => x.Id == 3).Set(x => x.Level, 1).Update());
        yield return ("row 4 level null", db => db.GetTable<NRow>().Where(x => x.Id == 4).Set(x => x.Level, (int?)null).Update());
        yield return ("row 2 other 2", db => db.GetTable<NRow>().Where(x => x.Id == 2).Set(x => x.Other, 2).Update());
        yield return ("row 1 other null", db => db.GetTable<NRow>().Where(x => x.Id == 1).Set(x => x.Other, (int?)null).Update());
        yield return ("row 3 flag true", db => db.GetTable<NRow>().Where(x => x.Id == 3).Set(x => x.Flag, true).Update());
        yield return ("row 1 flag null", db => db.GetTable<NRow>().Where(x => x.Id == 1).Set(x => x.Flag, (bool?)null).Update());
        yield return ("entity update row 5", db => db.Update(new NRow { Id = 5, Email = "", Level = 2, Other = 2, Flag = false }));
        yield return ("raw email null", db => db.Execute("UPDATE \"NRow\" SET \"Email\" = NULL WHERE \"Id\" = 4"));
        yield return ("delete nulls", db => db.GetTable<NRow>().Where(x => x.Level == null).Delete());
        yield return ("insert email a", db => db.Insert(new NRow { Id = 6, Email = "a", Level = null, Other = 6, Flag = null }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryNullableFilter_AnswersAsTheDatabase_AfterWritesIntoAndOutOfNull(string provider)
    {
        PlainComparison.Run(provider, SqliteDdl, PostgresDdl, PlainComparison.Table<NRow>, _ => Queries(), _ => Writes());
    }
}

[Table("NRow")]
public sealed class NRow
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public string? Email { get; set; }

    [Column]
    public int? Level { get; set; }

    [Column]
    public int? Other { get; set; }

    [Column]
    public bool? Flag { get; set; }
}

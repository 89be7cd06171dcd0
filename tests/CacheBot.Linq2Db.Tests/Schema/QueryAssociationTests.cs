using System.Linq.Expressions;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// An association defined by a query (<c>QueryExpressionMethod</c>) reads whatever tables its query reads, not only its
/// target's: a write to a link table the query goes through must invalidate the queries that follow the association.
/// </summary>
public sealed class QueryAssociationTests
{
    private const string SqliteDdl = """
        CREATE TABLE QPost (Id INTEGER PRIMARY KEY, Title TEXT NOT NULL);
        CREATE TABLE QTag (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
        CREATE TABLE QPostTag (PostId INTEGER NOT NULL, TagId INTEGER NOT NULL, PRIMARY KEY (PostId, TagId));
        INSERT INTO QPost VALUES (1, 'a'), (2, 'b');
        INSERT INTO QTag VALUES (1, 'x'), (2, 'y');
        INSERT INTO QPostTag VALUES (1, 1);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "QPost" ("Id" INTEGER PRIMARY KEY, "Title" TEXT NOT NULL);
        CREATE TABLE "QTag" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL);
        CREATE TABLE "QPostTag" ("PostId" INTEGER NOT NULL, "TagId" INTEGER NOT NULL, PRIMARY KEY ("PostId", "TagId"));
        INSERT INTO "QPost" VALUES (1, 'a'), (2, 'b');
        INSERT INTO "QTag" VALUES (1, 'x'), (2, 'y');
        INSERT INTO "QPostTag" VALUES (1, 1);
        """;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void QueryMethodAssociation_WriteToTheTableItGoesThrough_Invalidates(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        List<object> Read() =>
        [
            db.GetTable<QPost>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => p.Tags.Count()).Single(),
            db.GetTable<QPost>().AsCacheBot().Cache().Count(p => p.Tags.Any(t => t.Name == "y")),
            db.GetTable<QPost>().AsCacheBot().Cache().LoadWith(p => p.Tags).Single(p => p.Id == 1).Tags.Count(),
        ];

        var before = Probe.Warm(test.Cache, Read);
        Assert.Equal([1, 0, 1], before);

        db.Insert(new QPostTag { PostId = 1, TagId = 2 });

        Assert.Equal([2, 1, 2], Read());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void QueryMethodAssociation_ReadingThroughRawSql_RunsUncached_AndAnswersFresh(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        int Count() => db.GetTable<QPost>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => p.RawTags.Count()).Single();
        Assert.Equal(1, Count());
        var (again, hit) = Probe.Run(test.Cache, Count);
        Assert.Equal(1, again);
        Assert.False(hit, "a navigation whose query reads tables CacheBot cannot name must not be cached");
        Assert.Contains("cannot name", db.GetTable<QPost>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => p.RawTags.Count()).Explain().ToString(), StringComparison.Ordinal);

        db.Insert(new QPostTag { PostId = 1, TagId = 2 });
        Assert.Equal(2, Count());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void ExpressionMethodProperty_ReadingAnotherTable_RunsUncached_AndAnswersFresh(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        List<int> Read() =>
        [
            db.GetTable<QCountedPost>().AsCacheBot().Cache().Single(p => p.Id == 1).TagCount,
            db.GetTable<QCountedPost>().AsCacheBot().Cache().Count(p => p.LinkCount > 0),
            db.GetTable<QCountedPost>().AsCacheBot().Cache().Where(p => p.Id == 1).Select(p => p.LinkCount).Single(),
        ];

        Assert.Equal([1, 1, 1], Read());
        var (_, hit) = Probe.Run(test.Cache, Read);
        Assert.False(hit, "an entity with members linq2db expands into SQL over other tables must not be cached");
        db.Insert(new QPostTag { PostId = 1, TagId = 2 });
        db.Insert(new QPostTag { PostId = 2, TagId = 2 });
        Assert.Equal([2, 2, 2], Read());
    }
}

[Table("QPost")]
public sealed class QCountedPost
{
    [PrimaryKey]
    public int Id { get; set; }

    /// <summary>Loaded with every row (a computed column): reads the link table.</summary>
    [ExpressionMethod(nameof(TagCountExpression), IsColumn = true)]
    public int TagCount { get; set; }

    /// <summary>Read where a query names it.</summary>
    [ExpressionMethod(nameof(TagCountExpression))]
    public int LinkCount { get; set; }

    private static Expression<Func<QCountedPost, IDataContext, int>> TagCountExpression() =>
        (p, db) => db.GetTable<QPostTag>().Count(pt => pt.PostId == p.Id);
}

[Table("QPost")]
public sealed class QPost
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";

    [Association(QueryExpressionMethod = nameof(TagsQuery))]
    public IEnumerable<QTag> Tags { get; set; } = [];

    [Association(QueryExpressionMethod = nameof(RawTagsQuery))]
    public IEnumerable<QTag> RawTags { get; set; } = [];

    private static Expression<Func<QPost, IDataContext, IQueryable<QTag>>> RawTagsQuery() =>
        (p, db) => db.FromSql<QPostTag>("SELECT * FROM \"QPostTag\"").Where(pt => pt.PostId == p.Id).SelectMany(pt => db.GetTable<QTag>().Where(t => t.Id == pt.TagId));

    private static Expression<Func<QPost, IDataContext, IQueryable<QTag>>> TagsQuery() =>
        (p, db) => db.GetTable<QPostTag>().Where(pt => pt.PostId == p.Id).SelectMany(pt => db.GetTable<QTag>().Where(t => t.Id == pt.TagId));
}

[Table("QTag")]
public sealed class QTag
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";
}

[Table("QPostTag")]
public sealed class QPostTag
{
    [PrimaryKey(0)]
    public int PostId { get; set; }

    [PrimaryKey(1)]
    public int TagId { get; set; }
}

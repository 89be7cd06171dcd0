using System.Linq.Expressions;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Model;
using LinqToDB;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying;

public sealed class DialectTests
{
    [Fact]
    public async Task TryGetTableRoot_NameOverrides_GiveTheOverriddenTable()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var model = Linq2DbEntityModel.For(db, test.Options.Find<CacheBotOptionSet>()!);
        var dialect = Linq2DbDialect.Instance;

        Assert.True(dialect.TryGetTableRoot(db.GetTable<Photo>().Expression, model, out var plain));
        Assert.True(dialect.TryGetTableRoot(db.GetTable<Photo>().SchemaName("main").TableName("Tag").TableName("User").Expression, model, out var renamed));
        // A table the database catalog does not know (here: no schema "s") is not identified: its queries run uncached.
        Assert.True(dialect.TryGetTableRoot(db.GetTable<Photo>().SchemaName("s").TableName("u").Expression, model, out var unknown));
        Assert.True(dialect.TryGetTableRoot(db.GetTable<Photo>().IsTemporary().Expression, model, out var temporary));
        Assert.False(dialect.TryGetTableRoot(db.GetTable<Photo>().Where(p => p.Id == 1).Expression, model, out _));

        Assert.Equal("Photo", plain!.Name);
        Assert.Null(plain.Schema);
        Assert.Equal("main.User", renamed!.QualifiedName);
        Assert.Null(unknown);
        Assert.Null(temporary);
        Assert.True(model.TryFindTable(null, "photo", out var found));
        Assert.Same(plain, found);
    }

    [Fact]
    public async Task TryGetTableRoot_NonConstantName_Refuses()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var model = Linq2DbEntityModel.For(db, test.Options.Find<CacheBotOptionSet>()!);
        var root = db.GetTable<Photo>().Expression;
        var name = Expression.Call(typeof(LinqExtensions), nameof(LinqExtensions.TableName), [typeof(Photo)], root, Expression.Property(Expression.Constant(new Holder()), nameof(Holder.Name)));

        Assert.True(Linq2DbDialect.Instance.TryGetTableRoot(name, model, out var table));
        Assert.Null(table);
    }

    [Fact]
    public void ClassifyChainMethod_KnowsLoadWithHintsAndRefusesDml()
    {
        var dialect = Linq2DbDialect.Instance;
        static System.Reflection.MethodInfo M(string name) => Array.Find(typeof(LinqExtensions).GetMethods(), m => m.Name == name)!;

        Assert.Equal(ChainMethodKind.LoadWith, dialect.ClassifyChainMethod(M("LoadWith")));
        Assert.Equal(ChainMethodKind.LoadWith, dialect.ClassifyChainMethod(M("ThenLoad")));
        Assert.Equal(ChainMethodKind.PassThrough, dialect.ClassifyChainMethod(M("InlineParameters")));
        Assert.Equal(ChainMethodKind.PassThrough, dialect.ClassifyChainMethod(M("TagQuery")));
        Assert.Equal(ChainMethodKind.Unknown, dialect.ClassifyChainMethod(M("Delete")));
        Assert.Equal(ChainMethodKind.Unknown, dialect.ClassifyChainMethod(M("Set")));
    }

    [Fact]
    public void Determinism_SqlFunctionsAndDenyList()
    {
        var dialect = Linq2DbDialect.Instance;

        Assert.True(dialect.IsNonDeterministic(typeof(Sql).GetProperty(nameof(Sql.CurrentTimestamp))!));
        Assert.True(dialect.IsNonDeterministic(typeof(Sql).GetMethod(nameof(Sql.NewGuid))!));
        Assert.False(dialect.IsNonDeterministic(typeof(Sql).GetMethod(nameof(Sql.Lower))!));
        Assert.True(dialect.IsTranslatedDeterministic(typeof(Sql).GetMethod(nameof(Sql.Lower))!));
        Assert.False(dialect.IsTranslatedDeterministic(typeof(Sql).GetMethod(nameof(Sql.NewGuid))!));
        Assert.True(dialect.IsTranslatedDeterministic(typeof(UserFunctions).GetMethod(nameof(UserFunctions.Twice))!));
        Assert.False(dialect.IsTranslatedDeterministic(typeof(UserFunctions).GetMethod(nameof(UserFunctions.Stamp))!));
        Assert.False(dialect.IsTranslatedDeterministic(typeof(UserFunctions).GetMethod(nameof(UserFunctions.Hidden))!));
        Assert.False(dialect.IsTranslatedDeterministic(typeof(UserFunctions).GetMethod(nameof(UserFunctions.Expanded))!));
    }

    [Fact]
    public async Task Model_ReadsColumnsKeysAndAssociations()
    {
        await using var test = await TestDb.CreateAsync("sqlite");
        using var db = test.Open();
        var model = Linq2DbEntityModel.For(db, test.Options.Find<CacheBotOptionSet>()!);

        var photo = model.GetTable(typeof(Photo))!;
        var user = photo.FindAssociation(typeof(Photo).GetProperty(nameof(Photo.User))!)!;
        var tags = photo.FindAssociation(typeof(Photo).GetProperty(nameof(Photo.Tags))!)!;

        Assert.Equal(test.DatabaseId, photo.Database);
        Assert.Equal(["Id"], photo.PrimaryKey.Select(c => c.Name));
        Assert.True(photo.FindColumn(typeof(Photo).GetProperty(nameof(Photo.Title))!)!.CanFormScheme);
        Assert.False(user.IsCollection);
        Assert.Equal(nameof(Photo.UserId), Assert.Single(user.ThisKeys).Name);
        Assert.Equal(nameof(User.Id), Assert.Single(user.OtherKeys).Name);
        Assert.True(tags.IsCollection);
        Assert.Equal(typeof(Tag), tags.TargetType);
        Assert.Same(model, Linq2DbEntityModel.For(test.Open(), test.Options.Find<CacheBotOptionSet>()!));
        Assert.Equal(Linq.Providers.StringMatching.Excluded, Linq2DbEntityModel.StringMatchingFor("Oracle.Managed"));
        Assert.Equal(Linq.Providers.StringMatching.Excluded, Linq2DbEntityModel.StringMatchingFor(ProviderName.SqlServer2019));
        Assert.Equal(Linq.Providers.StringMatching.Excluded, Linq2DbEntityModel.StringMatchingFor(ProviderName.MySql));
        Assert.Equal(Linq.Providers.StringMatching.Ordinal, Linq2DbEntityModel.StringMatchingFor(ProviderName.PostgreSQL15));
    }

    private sealed class Holder
    {
        private readonly string _name = "dynamic";

        public string Name => _name;
    }

    private static class UserFunctions
    {
        [Sql.Expression("{0} * 2", ServerSideOnly = true)]
        public static int Twice(int value) => throw new InvalidOperationException();

        [Sql.Function("NOW", ServerSideOnly = true)]
        public static DateTime Stamp() => throw new InvalidOperationException();

        [Sql.Expression("(SELECT COUNT(*) FROM \"Tag\")", ServerSideOnly = true)]
        public static int Hidden() => throw new InvalidOperationException();

        [ExpressionMethod(nameof(ExpandedImpl))]
        public static int Expanded(int value) => value;

        private static Expression<Func<int, int>> ExpandedImpl() => value => value + 1;
    }
}

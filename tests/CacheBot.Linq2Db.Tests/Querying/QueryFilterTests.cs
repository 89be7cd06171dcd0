using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying;

[Table("FOwner")]
public sealed class FOwner
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int TenantId { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Column]
    public bool IsActive { get; set; }
}

[Table("FItem")]
public sealed class FItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int TenantId { get; set; }

    [Column]
    public int OwnerId { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Association(ThisKey = nameof(OwnerId), OtherKey = nameof(FOwner.Id))]
    public FOwner? Owner { get; set; }
}

[Table("FLog")]
public sealed class FLog
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Level { get; set; }
}

/// <summary>A data connection of one tenant: the query filters read <see cref="TenantId"/>.</summary>
public sealed class TenantDb(DataOptions options, int tenantId) : DataConnection(options)
{
    public int TenantId { get; } = tenantId;
}

/// <summary>Settings a filter reads from a captured object (mutable at run time).</summary>
public static class FilterSettings
{
    public static int MinLevel { get; set; }
}

/// <summary>
/// linq2db query filters: entities with filters are cached, with the values the filters read in the key (two tenants never
/// share an entry), the tables a filter reads as dependencies, and <c>IgnoreFilters()</c> honoured; a filter CacheBot cannot
/// expand (the function form) keeps the entity uncached. Every answer is compared with plain linq2db's.
/// </summary>
public sealed class QueryFilterTests
{
    // One mapping per process (a mapping's configuration id is part of the model identity).
    private static readonly MappingSchema Mapping = BuildMapping();

    private static MappingSchema BuildMapping()
    {
        var schema = new MappingSchema();
        var builder = new FluentMappingBuilder(schema);
        builder.Entity<FOwner>().HasQueryFilter<TenantDb>((o, db) => o.TenantId == db.TenantId);
        builder.Entity<FItem>().HasQueryFilter<TenantDb>((i, db) => i.TenantId == db.TenantId && db.GetTable<FOwner>().Any(o => o.Id == i.OwnerId && o.IsActive));
        builder.Entity<FLog>().HasQueryFilter((IQueryable<FLog> q, IDataContext db) => q.Where(l => l.Level >= FilterSettings.MinLevel));
        builder.Build();
        return schema;
    }

    private static IsolatedDatabase Create(string provider)
    {
        var database = provider == "sqlite" ? IsolatedDatabase.Sqlite("qf") : IsolatedDatabase.Postgres("cbqf");
        using var db = new DataConnection(database.Options.UseMappingSchema(Mapping));
        db.CreateTable<FOwner>();
        db.CreateTable<FItem>();
        db.CreateTable<FLog>();
        db.Execute("INSERT INTO \"FOwner\" (\"Id\", \"TenantId\", \"Name\", \"IsActive\") VALUES (1, 1, 'ann', true), (2, 1, 'bob', true), (3, 2, 'cid', true)".Replace("true", provider == "sqlite" ? "1" : "true", StringComparison.Ordinal));
        db.Execute("INSERT INTO \"FItem\" (\"Id\", \"TenantId\", \"OwnerId\", \"Name\") VALUES (1, 1, 1, 'a'), (2, 1, 2, 'b'), (3, 2, 3, 'c'), (4, 2, 3, 'd'), (5, 1, 1, 'e')");
        db.Execute("INSERT INTO \"FLog\" (\"Id\", \"Level\") VALUES (1, 1), (2, 2), (3, 3)");
        return database;
    }

    private static string Names(IEnumerable<string> names) => string.Join(",", names.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoTenants_SameQuery_NeverShareAnEntry_AndEachHits(string provider)
    {
        using var database = Create(provider);
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = database.Options.UseMappingSchema(Mapping);
        using var t1 = new TenantDb(options.UseCacheBot(cache), 1);
        using var t2 = new TenantDb(options.UseCacheBot(cache), 2);
        using var plain1 = new TenantDb(options, 1);
        using var plain2 = new TenantDb(options, 2);
        static string Run(DataConnection db, bool cached) =>
            Names((cached ? db.GetTable<FItem>().AsCacheBot().Cache() : db.GetTable<FItem>()).Where(i => i.Name != "zz").Select(i => i.Name).ToList());

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal("a,b,e", Run(t1, true));
            Assert.Equal("c,d", Run(t2, true));
        }

        Assert.Equal(2, cache.Statistics.Hits);
        Assert.Equal(0, cache.Statistics.Bypasses);

        // A write of tenant 2's row; then a row moves from tenant 1 to tenant 2.
        t2.GetTable<FItem>().IgnoreFilters().Where(i => i.Id == 4).Set(i => i.Name, "dd").Update();
        Assert.Equal(Run(plain1, false), Run(t1, true));
        Assert.Equal(Run(plain2, false), Run(t2, true));
        t1.GetTable<FItem>().IgnoreFilters().Where(i => i.Id == 5).Set(i => i.TenantId, 2).Update();
        Assert.Equal(Run(plain1, false), Run(t1, true));
        Assert.Equal(Run(plain2, false), Run(t2, true));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FilterReadingAnotherTable_WriteToThatTable_Invalidates(string provider)
    {
        using var database = Create(provider);
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = database.Options.UseMappingSchema(Mapping);
        using var db = new TenantDb(options.UseCacheBot(cache), 1);
        using var plain = new TenantDb(options, 1);
        string Run(DataConnection c, bool cached) =>
            Names((cached ? c.GetTable<FItem>().AsCacheBot().Cache() : c.GetTable<FItem>()).Where(i => i.Id < 10).Select(i => i.Name).ToList());

        Assert.Equal("a,b,e", Run(db, true));
        Assert.Equal("a,b,e", Run(db, true));
        db.GetTable<FOwner>().IgnoreFilters().Where(o => o.Id == 2).Set(o => o.IsActive, false).Update();
        Assert.Equal(Run(plain, false), Run(db, true));
        Assert.Equal("a,e", Run(db, true));
        Assert.Equal(2, cache.Statistics.Hits);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NavigationToFilteredEntity_AndIgnoreFilters_AnswersEqualPlainLinq2Db(string provider)
    {
        using var database = Create(provider);
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = database.Options.UseMappingSchema(Mapping);
        using var t1 = new TenantDb(options.UseCacheBot(cache), 1);
        using var t2 = new TenantDb(options.UseCacheBot(cache), 2);
        using var plain1 = new TenantDb(options, 1);
        using var plain2 = new TenantDb(options, 2);
        var shapes = new List<Func<IQueryable<FItem>, string>>
        {
            q => Names(q.Select(i => i.Owner!.Name ?? "-").ToList()),
            q => Names(q.IgnoreFilters().Select(i => i.Name).ToList()),
            q => Names(q.IgnoreFilters().Select(i => i.Owner!.Name ?? "-").ToList()),
            q => Names(q.Where(i => i.Owner!.IsActive).Select(i => i.Name).ToList()),
            q => q.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        void CheckAll()
        {
            foreach (var shape in shapes)
            {
                Assert.Equal(shape(plain1.GetTable<FItem>()), shape(t1.GetTable<FItem>().AsCacheBot().Cache()));
                Assert.Equal(shape(plain2.GetTable<FItem>()), shape(t2.GetTable<FItem>().AsCacheBot().Cache()));
            }
        }

        CheckAll();
        CheckAll();
        Assert.Equal(2 * shapes.Count, cache.Statistics.Hits);
        Assert.Equal(0, cache.Statistics.Bypasses);
        Assert.NotEqual(shapes[1](t1.GetTable<FItem>().AsCacheBot().Cache()), shapes[0](t1.GetTable<FItem>().AsCacheBot().Cache()));

        t1.GetTable<FOwner>().IgnoreFilters().Where(o => o.Id == 3).Set(o => o.Name, "cyd").Update();
        CheckAll();
        t1.GetTable<FOwner>().IgnoreFilters().Where(o => o.Id == 1).Set(o => o.TenantId, 2).Update();
        CheckAll();
        t1.GetTable<FItem>().IgnoreFilters().Where(i => i.Id == 3).Set(i => i.TenantId, 1).Update();
        CheckAll();
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FunctionFilter_CannotBeExpanded_RunsUncachedAndFollowsCapturedSettings(string provider)
    {
        using var database = Create(provider);
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = database.Options.UseMappingSchema(Mapping);
        using var db = new TenantDb(options.UseCacheBot(cache), 1);
        var saved = FilterSettings.MinLevel;
        try
        {
            FilterSettings.MinLevel = 2;
            Assert.Equal(2, db.GetTable<FLog>().AsCacheBot().Cache().Count());
            FilterSettings.MinLevel = 3;
            Assert.Equal(1, db.GetTable<FLog>().AsCacheBot().Cache().Count());
        }
        finally
        {
            FilterSettings.MinLevel = saved;
        }

        Assert.Equal(0, cache.Statistics.Hits);
        Assert.Equal(2, cache.Statistics.Bypasses);
        await Task.CompletedTask;
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying;

[Table("FDoc")]
public sealed class FDoc
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Level { get; set; }

    [Column]
    public int TenantId { get; set; }
}

/// <summary>Values a filter reads at run time from a static member and through a cast of the data context.</summary>
public static class DocFilterSettings
{
    public static int MaxLevel { get; set; } = 10;
}

/// <summary>
/// A filter that reads a static setting and the data context through a cast (<c>((TenantDb)db).TenantId</c>): both values are
/// in the key, so changing the setting or the tenant never serves another answer.
/// </summary>
public sealed class QueryFilterValueTests
{
    private static readonly MappingSchema Mapping = BuildMapping();

    private static MappingSchema BuildMapping()
    {
        var schema = new MappingSchema();
        new FluentMappingBuilder(schema)
            .Entity<FDoc>().HasQueryFilter((FDoc d, IDataContext db) => d.Level <= DocFilterSettings.MaxLevel && d.TenantId == ((TenantDb)db).TenantId)
            .Build();
        return schema;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StaticSettingAndCastContextValue_AreKeyed(string provider)
    {
        using var database = provider == "sqlite" ? IsolatedDatabase.Sqlite("qfv") : IsolatedDatabase.Postgres("cbqfv");
        var options = database.Options.UseMappingSchema(Mapping);
        using (var setup = new DataConnection(options))
        {
            setup.CreateTable<FDoc>();
            setup.Execute("INSERT INTO \"FDoc\" (\"Id\", \"Level\", \"TenantId\") VALUES (1, 1, 1), (2, 5, 1), (3, 9, 1), (4, 1, 2)");
        }

        using var cache = new QueryCache(new QueryCacheOptions());
        using var t1 = new TenantDb(options.UseCacheBot(cache), 1);
        using var t2 = new TenantDb(options.UseCacheBot(cache), 2);
        int Count(DataConnection db) => db.GetTable<FDoc>().AsCacheBot().Cache().Count(d => d.Id > 0);
        var saved = DocFilterSettings.MaxLevel;
        try
        {
            DocFilterSettings.MaxLevel = 10;
            Assert.Equal(3, Count(t1));
            Assert.Equal(1, Count(t2));
            Assert.Equal(3, Count(t1));
            DocFilterSettings.MaxLevel = 5;
            Assert.Equal(2, Count(t1));
            Assert.Equal(1, Count(t2));
            DocFilterSettings.MaxLevel = 0;
            Assert.Equal(0, Count(t1));
            DocFilterSettings.MaxLevel = 10;
            Assert.Equal(3, Count(t1));
        }
        finally
        {
            DocFilterSettings.MaxLevel = saved;
        }

        Assert.Equal(2, cache.Statistics.Hits);
        Assert.Equal(0, cache.Statistics.Bypasses);
        await Task.CompletedTask;
    }

    [Fact]
    public void KeyOfAFilteredQuery_ReadsFilterValues_AndAllocatesNothing()
    {
        // The filter values are read on every key computation (the hit path): through compiled accessors, without boxing.
        using var database = IsolatedDatabase.Sqlite("qfa");
        using var cache = new QueryCache(new QueryCacheOptions());
        var options = database.Options.UseMappingSchema(Mapping).UseCacheBot(cache);
        using var t1 = new TenantDb(options, 1);
        using var t2 = new TenantDb(options, 2);
        var level = 3;
        var q1 = t1.GetTable<FDoc>().AsCacheBot().Cache().Where(d => d.Level == level);
        var q2 = t2.GetTable<FDoc>().AsCacheBot().Cache().Where(d => d.Level == level);
        var context1 = ((Linq.Providers.ICacheBotQueryable)q1).Context;
        var context2 = ((Linq.Providers.ICacheBotQueryable)q2).Context;

        var key1 = Linq.Keys.ExpressionHasher.HashFull(q1.Expression, context1);
        var key2 = Linq.Keys.ExpressionHasher.HashFull(q2.Expression, context2);
        Assert.NotEqual(key1.Full, key2.Full); // another tenant, another key
        for (var i = 0; i < 200; i++)
        {
            _ = Linq.Keys.ExpressionHasher.HashFull(q1.Expression, context1);
        }

        var allocated = long.MaxValue;
        var same = true;
        for (var round = 0; round < 3 && allocated != 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                same &= Linq.Keys.ExpressionHasher.HashFull(q1.Expression, context1).Full == key1.Full;
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(same);
        Assert.Equal(0, allocated);
    }
}

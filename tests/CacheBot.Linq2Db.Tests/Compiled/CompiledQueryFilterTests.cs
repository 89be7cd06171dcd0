using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Tests.Querying;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Compiled;

/// <summary>A compiled query over an entity with a query filter keys the values the filter reads from the data context (the tenant).</summary>
public sealed class CompiledQueryFilterTests
{
    private static readonly Func<DataConnection, int, int> CountFrom =
        CacheBotQuery.Compile((DataConnection db, int minId) => db.GetTable<FDoc>().Count(d => d.Id >= minId));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TenantReadByTheFilter_IsKeyed(string provider)
    {
        using var database = provider == "sqlite" ? IsolatedDatabase.Sqlite("cqf") : IsolatedDatabase.Postgres("cbcqf");
        var mapping = new MappingSchema();
        new FluentMappingBuilder(mapping).Entity<FDoc>().HasQueryFilter((FDoc d, IDataContext db) => d.TenantId == ((TenantDb)db).TenantId).Build();
        var options = database.Options.UseMappingSchema(mapping);
        using (var setup = new DataConnection(options))
        {
            setup.CreateTable<FDoc>();
            setup.Execute("INSERT INTO \"FDoc\" (\"Id\", \"Level\", \"TenantId\") VALUES (1, 1, 1), (2, 5, 1), (3, 9, 1), (4, 1, 2)");
        }

        using var cache = new QueryCache(new QueryCacheOptions());
        using var t1 = new TenantDb(options.UseCacheBot(cache), 1);
        using var t2 = new TenantDb(options.UseCacheBot(cache), 2);

        Assert.Equal(3, CountFrom(t1, 1));
        Assert.Equal(1, CountFrom(t2, 1));
        Assert.Equal(3, CountFrom(t1, 1));
        Assert.Equal(1, CountFrom(t2, 1));

        Assert.Equal(2, cache.Statistics.Hits);
        await Task.CompletedTask;
    }
}

using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Redis.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Redis.Tests.Faults;

[Table("RefusalRow")]
public sealed class RefusalRow
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Value { get; set; }
}

/// <summary>
/// A write that cannot be announced fails before its commit (docs/scale-out.md, "Faults"): the caller sees the exception
/// and the database is unchanged, on every linq2db write path, sync and async, on SQLite and PostgreSQL.
/// </summary>
public sealed class WriteRefusalTests
{
    [Theory]
    [InlineData("sqlite", false)]
    [InlineData("sqlite", true)]
    [InlineData("postgres", false)]
    [InlineData("postgres", true)]
    public async Task RedisUnreachable_WriteThrowsBeforeItsCommit_AndTheRowIsUnchanged(string provider, bool async)
    {
        using var database = TestDatabase.Create(provider);
        using var server = RedisServer.Start();
        using var cache = new QueryCache(new QueryCacheOptions().UseRedis(server.Configuration, r => r.WriteTimeout = TimeSpan.FromMilliseconds(500)));
        using var plain = new DataConnection(database.Options);
        plain.CreateTable<RefusalRow>();
        plain.Insert(new RefusalRow { Id = 1, Value = 1 });
        using var db = new DataConnection(database.Options.UseCacheBot(cache));
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(1, db.GetTable<RefusalRow>().AsCacheBot().First(r => r.Id == 1).Value);

        server.Kill();

        // Autocommit entity update, LINQ DML, raw SQL, insert, delete: each is announced before it runs.
        await Assert.ThrowsAsync<CacheBotException>(async () =>
        {
            if (async)
            {
                await db.UpdateAsync(new RefusalRow { Id = 1, Value = 2 }, token: ct);
            }
            else
            {
                db.Update(new RefusalRow { Id = 1, Value = 2 });
            }
        });
        Assert.Throws<CacheBotException>(() => db.GetTable<RefusalRow>().Where(r => r.Id == 1).Set(r => r.Value, 3).Update());
        Assert.Throws<CacheBotException>(() => db.Execute("UPDATE \"RefusalRow\" SET \"Value\" = 4"));
        Assert.Throws<CacheBotException>(() => db.Insert(new RefusalRow { Id = 2, Value = 5 }));
        Assert.Throws<CacheBotException>(() => db.Delete(new RefusalRow { Id = 1 }));

        // A transaction: its commit is announced first; the announcement fails, the commit does not happen.
        await Assert.ThrowsAsync<CacheBotException>(async () =>
        {
            await using var tx = await db.BeginTransactionAsync(ct);
            db.Update(new RefusalRow { Id = 1, Value = 6 });
            if (async)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                tx.Commit();
            }
        });

        // SQL text: BEGIN and the UPDATE inside it commit nothing, so they run; the COMMIT is announced first and refused;
        // a ROLLBACK is never refused.
        db.Execute("BEGIN");
        db.Execute("UPDATE \"RefusalRow\" SET \"Value\" = 7 WHERE \"Id\" = 1");
        Assert.Throws<CacheBotException>(() => db.Execute("COMMIT"));
        db.Execute("ROLLBACK");

        var rows = plain.GetTable<RefusalRow>().OrderBy(r => r.Id).ToList();
        Assert.Equal([(1, 1)], rows.Select(r => (r.Id, r.Value)));
    }
}

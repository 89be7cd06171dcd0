using System.Data.Common;
using CacheBot.Linq2Db.Tests.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Lifecycle;

/// <summary>
/// The user-owned rows of the lifecycle matrix: a DbConnection (<c>UseConnection</c>) or DbTransaction (<c>UseTransaction</c>)
/// the application owns, combined with <c>UseCacheBot</c> in either order, is refused with an exception that says what
/// happened and what to do: at configuration time when <c>UseCacheBot</c> comes second, at the first use otherwise (every
/// write path and <c>AsCacheBot()</c>), before anything reaches the database.
/// </summary>
public sealed class UserOwnedConnectionTests
{
    public static TheoryData<string, bool, bool, string> Cases()
    {
        var data = new TheoryData<string, bool, bool, string>();
        foreach (var database in new[] { "SQLite", "PostgreSQL" })
        {
            foreach (var transaction in new[] { false, true })
            {
                data.Add(database, transaction, false, "configuration");
                foreach (var use in new[] { "EntityCrud", "LinqDml", "RawSql", "BulkCopy", "BulkCopyProviderSpecific", "CachedRead", "PlainRead" })
                {
                    data.Add(database, transaction, true, use);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void UserOwned_IsRefused(string database, bool ownTransaction, bool cacheBotFirst, string use)
    {
        using var life = new LifecycleDatabase(database == "PostgreSQL");
        using var connection = life.Provider.CreateConnection(life.ConnectionString);
        connection.Open();
        using var transaction = ownTransaction ? connection.BeginTransaction() : null;
        DataOptions Own(DataOptions options) => transaction is not null
            ? options.UseTransaction(life.Provider, transaction)
            : options.UseConnection(life.Provider, connection);

        if (!cacheBotFirst)
        {
            var early = Assert.Throws<InvalidOperationException>(() => Own(life.Plain).UseCacheBot(life.Cache));
            AssertSaysWhatToDo(early, ownTransaction);
            return;
        }

        var options = Own(life.Options);
        using var db = new DataConnection(options);
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            switch (use)
            {
                case "EntityCrud":
                    db.Update(new EPhoto { Id = 1, UserId = 1, Status = 1, Title = "w" });
                    break;
                case "LinqDml":
                    db.GetTable<EPhoto>().Where(p => p.Id == 1).Set(p => p.Title, "w").Update();
                    break;
                case "RawSql":
                    db.Execute("UPDATE \"EPhoto\" SET \"Title\" = 'w' WHERE \"Id\" = 1");
                    break;
                case "BulkCopy":
                    db.BulkCopy([new EPhoto { Id = 7, Title = "w" }]);
                    break;
                case "BulkCopyProviderSpecific":
                    db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 7, Title = "w" }]);
                    break;
                case "CachedRead":
                    _ = db.GetTable<EPhoto>().AsCacheBot().FirstOrDefault(p => p.Id == 1);
                    break;
                default:
                    _ = db.GetTable<EPhoto>().Where(p => p.Id == 1).ToList();
                    break;
            }
        });
        AssertSaysWhatToDo(error, ownTransaction);

        // Refused before anything reached the database.
        transaction?.Commit();
        using var plain = new DataConnection(life.Plain);
        Assert.Equal("t1", plain.GetTable<EPhoto>().Where(p => p.Id == 1).Select(p => p.Title).First());
        Assert.Equal(6, plain.GetTable<EPhoto>().Count());
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public void ConnectionFactoryAfterUseCacheBot_IsRefusedAtTheFirstCommand(string database)
    {
        using var life = new LifecycleDatabase(database == "PostgreSQL");
        var options = life.Options.UseConnectionFactory(life.Provider, _ => life.Provider.CreateConnection(life.ConnectionString));
        using var db = new DataConnection(options);

        var error = Assert.Throws<InvalidOperationException>(() => db.Execute("UPDATE \"EPhoto\" SET \"Title\" = 'w' WHERE \"Id\" = 1"));

        Assert.Contains("connection factory", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseConnectionFactory", error.Message, StringComparison.Ordinal);
        using var plain = new DataConnection(life.Plain);
        Assert.Equal("t1", plain.GetTable<EPhoto>().Where(p => p.Id == 1).Select(p => p.Title).First());
    }

    private static void AssertSaysWhatToDo(InvalidOperationException error, bool ownTransaction)
    {
        Assert.Contains(ownTransaction ? "UseTransaction" : "UseConnection", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseConnectionFactory", error.Message, StringComparison.Ordinal);
    }
}

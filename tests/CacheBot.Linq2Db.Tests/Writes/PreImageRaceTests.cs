using CacheBot.Linq2Db.Tests.Infrastructure;
using CacheBot.Linq2Db.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Writes;

public sealed class SqlitePreImageRaceTests : PreImageRaceTests
{
    protected override bool IsPostgres => false;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("race");
}

public sealed class PostgresPreImageRaceTests : PreImageRaceTests
{
    protected override bool IsPostgres => true;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbrace");
}

/// <summary>
/// An UPDATE reads its pre-image and writes in two statements: another connection writes in between (from a hook
/// between the two), and a third reads and caches meanwhile. Afterwards no cached answer may be stale.
/// </summary>
public abstract class PreImageRaceTests : RawSqlTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OtherWriterChangesTheSameRow_BetweenPreImageAndUpdate_NotStale(bool inTransaction)
    {
        using var writer = Open();
        using var reader = Open();
        WarmTitle(reader, 2);
        Assert.Empty(CachedIdsByTitle(reader, "other"));
        Task? concurrent = null;
        WriteExecution.AfterPreImage.Value = () =>
        {
            WriteExecution.AfterPreImage.Value = null;
            concurrent = ConcurrentWriteAsync("UPDATE \"EPhoto\" SET \"Title\" = 'other' WHERE \"Id\" = 2");

            // Whatever the other writer achieved so far, a reader caches it now (by the column both writers change).
            concurrent.Wait(TimeSpan.FromMilliseconds(500), Token);
            CachedIdsByTitle(reader, "other");
        };

        await RunWriterAsync(writer, "UPDATE \"EPhoto\" SET \"Title\" = 'mine' WHERE \"Id\" = 2", inTransaction);
        await concurrent!;

        Assert.Equal(TrueIdsByTitle(reader, "other"), CachedIdsByTitle(reader, "other"));
        Assert.Equal(TrueIdsByTitle(reader, "mine"), CachedIdsByTitle(reader, "mine"));
        AssertNotStale(1, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OtherWriterMovesARowIntoTheWhere_BetweenPreImageAndUpdate_NotStale(bool inTransaction)
    {
        using var writer = Open();
        using var reader = Open();
        Warm(reader, 2);
        WarmTitle(reader, 5);
        Task? concurrent = null;
        WriteExecution.AfterPreImage.Value = () =>
        {
            WriteExecution.AfterPreImage.Value = null;
            concurrent = ConcurrentWriteAsync("UPDATE \"EPhoto\" SET \"Status\" = 2 WHERE \"Id\" = 5");
            concurrent.Wait(TimeSpan.FromMilliseconds(500), Token);
            CachedIds(reader, 2);
            CachedTitle(reader, 5);
        };

        await RunWriterAsync(writer, "UPDATE \"EPhoto\" SET \"Title\" = 'two' WHERE \"Status\" = 2", inTransaction);
        await concurrent!;

        AssertNotStale(1, 2);
    }

    [Fact]
    public async Task TwoWritersOnOneRow_WithoutTransactions_BothImagesCorrect()
    {
        using var first = Open();
        using var second = Open();
        using var reader = Open();
        Warm(reader, 2);
        WarmTitle(reader, 1);

        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(
            () =>
            {
                using var db = Open();
                Retry(() => db.Execute($"UPDATE \"EPhoto\" SET \"Status\" = {1 + (i % 2)}, \"Title\" = 'w{i}' WHERE \"Id\" = 1"));
                Retry(() => CachedIds(db, 2));
            },
            Token));
        await Task.WhenAll(tasks);

        AssertNotStale(1, 2);
    }

    private static async Task RunWriterAsync(DataConnection writer, string sql, bool inTransaction)
    {
        if (!inTransaction)
        {
            await Task.Run(() => writer.Execute(sql), Token);
            return;
        }

        await Task.Run(
            () =>
            {
                using var transaction = writer.BeginTransaction();
                writer.Execute(sql);
                transaction.Commit();
            },
            Token);
    }

    /// <summary>Runs a write on another connection, retrying while the database reports it locked (SQLite's shared cache).</summary>
    private Task ConcurrentWriteAsync(string sql) => Task.Run(
        () =>
        {
            using var other = Open();
            Retry(() => other.Execute(sql));
        },
        Token);

    private void Retry(Action action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (!IsPostgres && attempt < 200)
            {
                Thread.Sleep(20);
            }
        }
    }
}

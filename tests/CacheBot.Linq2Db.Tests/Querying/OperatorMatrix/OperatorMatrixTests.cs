using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

public sealed class SqliteOperatorMatrixTests : OperatorMatrixTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("mx");
}

public sealed class PostgresOperatorMatrixTests : OperatorMatrixTests
{
    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbmx");
}

/// <summary>
/// The operator matrix: every <see cref="Queryable"/> operator and linq2db extension a user can reach, in 250+ shapes
/// (projections with every terminal, aggregates, GroupBy, joins, set operators, subqueries, ordering and paging,
/// navigations, column types, in lists, async terminals). Each shape's CacheBot answer (miss, hit, <c>NoCache()</c>,
/// inside a transaction, after each of 16 writes) must equal plain linq2db's, or throw the same exception type. The
/// test prints the summary table (shapes by cached/refused) and fails with the list of every difference.
/// </summary>
public abstract class OperatorMatrixTests
{
    protected abstract IsolatedDatabase CreateDatabase();

    [Fact]
    public async Task EveryShape_AnswersAsPlainLinq2Db_MissHitAndAfterEveryWrite()
    {
        using var database = CreateDatabase();
        using (var setup = new DataConnection(database.Options))
        {
            MatrixSeed.Create(setup);
        }

        using var recorder = new RefusalRecorder();
        using var cache = new QueryCache(new QueryCacheOptions(), recorder);
        var runner = new MatrixRunner(database.Options, cache, recorder);
        var shapes = Shape.All().ToList();
        await runner.RunAsync(shapes, TestContext.Current.CancellationToken);

        var summary = runner.Summary(GetType().Name.Replace("OperatorMatrixTests", string.Empty, StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(shapes.Count >= 150, "the matrix must hold at least 150 shapes, it has " + shapes.Count);
        Assert.True(runner.Failures.Count == 0, summary + "\n" + string.Join("\n", runner.Failures));
    }
}

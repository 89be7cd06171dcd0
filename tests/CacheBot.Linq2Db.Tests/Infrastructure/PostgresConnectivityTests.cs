using Npgsql;
using Xunit;

namespace CacheBot.Linq2Db.Tests.Infrastructure;

public sealed class PostgresConnectivityTests
{
    [Fact]
    public async Task Postgres_WhenConfigured_AcceptsConnections()
    {
        TestDatabases.SkipUnlessPostgres();
        var cancellationToken = TestContext.Current.CancellationToken;

        await using var connection = new NpgsqlConnection(TestDatabases.PostgresConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        var result = await command.ExecuteScalarAsync(cancellationToken);

        Assert.Equal(1, Assert.IsType<int>(result));
    }
}

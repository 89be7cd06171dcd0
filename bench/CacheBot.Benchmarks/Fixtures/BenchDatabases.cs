namespace CacheBot.Benchmarks.Fixtures;

/// <summary>
/// The databases a benchmark can run on: always in-memory SQLite; PostgreSQL too when <c>CACHEBOT_BENCH_PG</c> (or the
/// tests' <c>CACHEBOT_TEST_PG</c>) holds an Npgsql connection string, e.g.
/// <c>Host=127.0.0.1;Username=cachebot;Password=cachebot;Database=cachebot</c>.
/// </summary>
public static class BenchDatabases
{
    public const string Sqlite = "SQLite";
    public const string Postgres = "PostgreSQL";

    public static string? PostgresConnectionString =>
        NonEmpty(Environment.GetEnvironmentVariable("CACHEBOT_BENCH_PG")) ?? NonEmpty(Environment.GetEnvironmentVariable("CACHEBOT_TEST_PG"));

    public static IEnumerable<string> Available => PostgresConnectionString is null ? [Sqlite] : [Sqlite, Postgres];

    public static IBenchDatabase Create(string name) => name switch
    {
        Sqlite => new PhotoDatabase(),
        Postgres => new PostgresPhotoDatabase(PostgresConnectionString
            ?? throw new InvalidOperationException("Set CACHEBOT_BENCH_PG to run the PostgreSQL benchmarks.")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown benchmark database."),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

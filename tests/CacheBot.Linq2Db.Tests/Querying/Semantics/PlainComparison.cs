using System.Globalization;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying.Semantics;

/// <summary>Runs a <see cref="PlainComparison{TRoots}"/> on a database of its own (<see cref="SchemaDb"/>).</summary>
internal static class PlainComparison
{
    /// <summary>Creates the database from the DDL, then compares <paramref name="queries"/> after each of <paramref name="writes"/> (both told whether it is PostgreSQL).</summary>
    public static void Run<TRoots>(
        string provider, string sqliteDdl, string postgresDdl, Func<DataConnection, bool, TRoots> roots,
        Func<bool, IEnumerable<(string Name, Func<TRoots, object?> Query)>> queries, Func<bool, IEnumerable<(string Name, Action<DataConnection> Write)>> writes)
    {
        using var test = SchemaDb.Create(provider, sqliteDdl, postgresDdl);
        using var db = test.Open();
        using var plain = test.OpenPlain();
        new PlainComparison<TRoots>(test.Cache, db, plain, roots).Run([.. queries(test.IsPostgres)], writes(test.IsPostgres));
    }

    /// <summary>The table of <typeparamref name="T"/>, cached (<c>AsCacheBot().Cache()</c>) or plain.</summary>
    public static IQueryable<T> Table<T>(DataConnection connection, bool cached)
        where T : class => cached ? connection.GetTable<T>().AsCacheBot().Cache() : connection.GetTable<T>();
}

/// <summary>
/// Runs a list of queries cached and on a plain connection (the database's truth): at the start, warm (every query must
/// then be a hit, or the later checks prove nothing), and after each write. Collects every difference (answer or
/// exception type) and fails with all of them at the end.
/// </summary>
internal sealed class PlainComparison<TRoots>(QueryCache cache, DataConnection cached, DataConnection plain, Func<DataConnection, bool, TRoots> roots)
{
    private readonly List<string> _failures = [];

    public void Run(IReadOnlyList<(string Name, Func<TRoots, object?> Query)> queries, IEnumerable<(string Name, Action<DataConnection> Write)> writes)
    {
        Check(queries, "initial");
        var hits = cache.Statistics.Hits;
        Check(queries, "warm");
        Assert.True(cache.Statistics.Hits - hits == queries.Count, $"every query must be a hit when warm: {cache.Statistics.Hits - hits} of {queries.Count}");
        foreach (var (name, write) in writes)
        {
            write(cached);
            Check(queries, "after " + name);
        }

        Assert.True(_failures.Count == 0, string.Join("\n", _failures));
    }

    private void Check(IReadOnlyList<(string Name, Func<TRoots, object?> Query)> queries, string when)
    {
        foreach (var (name, query) in queries)
        {
            var expected = Answer(() => query(roots(plain, false)));
            var actual = Answer(() => query(roots(cached, true)));
            if (expected != actual)
            {
                _failures.Add($"{when} / {name}: expected {expected}, got {actual}");
            }
        }
    }

    private static string Answer(Func<object?> query)
    {
        try
        {
            return query() switch
            {
                null => "null",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                var value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
            };
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            return "exception " + e.GetType().Name;
        }
    }
}

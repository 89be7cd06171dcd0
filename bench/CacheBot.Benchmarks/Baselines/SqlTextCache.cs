using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using LinqToDB;

namespace CacheBot.Benchmarks.Baselines;

/// <summary>
/// A clean-room "SQL-text" query cache, built the way the most used .NET second-level caches work
/// (EFCoreSecondLevelCacheInterceptor and similar): the ORM translates the query to SQL on every call, the key is a
/// hash of the SQL text plus the parameter values, hits re-materialise entities from stored row values, and any
/// write to a table invalidates every entry that reads it. It exists only as a benchmark baseline.
/// </summary>
public sealed class SqlTextCache
{
    private readonly ConcurrentDictionary<UInt128, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, long> _tableVersions = new(StringComparer.OrdinalIgnoreCase);

    public long Hits { get; private set; }

    /// <summary>Runs <paramref name="query"/> (which reads <paramref name="table"/>) through the cache.</summary>
    public List<T> ToList<T>(IQueryable<T> query, string table) where T : class, new()
    {
        var sql = query.ToSqlQuery();
        var key = Key(sql);
        var version = _tableVersions.GetValueOrDefault(table);
        if (_entries.TryGetValue(key, out var entry) && entry.Version == version)
        {
            Hits++;
            return RowMaterializer<T>.Materialize(entry.Rows);
        }

        var list = query.ToList();
        _entries[key] = new Entry(version, RowMaterializer<T>.ToRows(list));
        return list;
    }

    /// <summary>The cached form of <c>query.First()</c>: the SQL of <c>query.Take(1)</c>.</summary>
    public T First<T>(IQueryable<T> query, string table) where T : class, new()
    {
        var list = ToList(query.Take(1), table);
        return list.Count > 0 ? list[0] : throw new InvalidOperationException("Sequence contains no elements.");
    }

    /// <summary>A write to <paramref name="table"/>: every entry on it is invalidated.</summary>
    public void InvalidateTable(string table) => _tableVersions.AddOrUpdate(table, 1, static (_, v) => v + 1);

    private static UInt128 Key(QuerySql sql)
    {
        // Like the interceptors: one string of command text and parameter name/value pairs, hashed.
        var text = new StringBuilder(sql.Sql);
        foreach (var parameter in sql.Parameters)
        {
            text.Append('\n').Append(parameter.Name).Append('=').Append(Convert.ToString(parameter.Value, CultureInfo.InvariantCulture));
        }

        return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.ToString().AsSpan()));
    }

    private sealed record Entry(long Version, object?[][] Rows);
}

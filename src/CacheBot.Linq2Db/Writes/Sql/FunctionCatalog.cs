using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Data.Common;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes.Sql;

/// <summary>
/// Which PostgreSQL calls are provably read-only (<see cref="PostgresCatalogSql.ReadOnlyCallsSql"/>: functions, operators
/// and cast targets by name), learnt once per database and kept for at most the cache's default time to live (DDL through
/// a tracked connection drops it at once). A name it does not know (created after it was learnt), or a catalog it cannot
/// read, may write: the statement is a database write.
/// </summary>
/// <remarks>
/// Operators and explicit casts count as calls of their functions (<see cref="SqlClassifier"/> names them). Functions a
/// statement reaches through its tables are not followed here: views, defaults, generated columns, CHECK constraints,
/// domains and policies are the schema reader's (<see cref="PostgresCatalogSql"/>), triggers are writes of the whole
/// database.
/// Thread-safe: the set is replaced atomically; two loads racing only cost a query.
/// </remarks>
internal sealed class FunctionCatalog
{
    private static readonly ConcurrentDictionary<string, FunctionCatalog> Catalogs = new(StringComparer.Ordinal);

    private volatile Snapshot? _snapshot;

    public static FunctionCatalog For(string databaseId) => Catalogs.GetOrAdd(databaseId, static _ => new FunctionCatalog());

    public void Clear() => _snapshot = null;

    /// <summary>
    /// Whether every call is provably read-only. SQLite and other dialects: the classifier already removed the built-ins,
    /// so any remaining call may write. PostgreSQL: the catalog decides, loaded through <paramref name="command"/>'s connection when
    /// missing or older than <paramref name="maxAge"/> (inside a transaction, under a savepoint, so a failure cannot abort it).
    /// </summary>
    public async ValueTask<bool> AllReadOnlyAsync(
        IReadOnlyList<string> calls, SqlDialect dialect, DbCommand command, bool inTransaction, TimeProvider time, TimeSpan maxAge, bool async,
        CancellationToken cancellationToken)
    {
        if (calls.Count == 0)
        {
            return true;
        }

        if (dialect != SqlDialect.PostgreSql)
        {
            return false;
        }

        var snapshot = _snapshot;
        if (snapshot is null || time.GetElapsedTime(snapshot.LoadedAt) > maxAge)
        {
            snapshot = await LoadAsync(command, inTransaction, time, async, cancellationToken).ConfigureAwait(false);
            if (snapshot is null)
            {
                return false;
            }

            _snapshot = snapshot;
        }

        foreach (var call in calls)
        {
            if (!snapshot.ReadOnly.Contains(call))
            {
                return false;
            }
        }

        return true;
    }

    private static async ValueTask<Snapshot?> LoadAsync(DbCommand command, bool inTransaction, TimeProvider time, bool async, CancellationToken cancellationToken)
    {
        var loadedAt = time.GetTimestamp();
        if (inTransaction && !await TryExecuteAsync(command, "SAVEPOINT cachebot_catalog", async, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        HashSet<string>? names = null;
        var query = RowImageReader.CreateSibling(command, PostgresCatalogSql.ReadOnlyCallsSql);
        try
        {
            var reader = async ? await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : query.ExecuteReader();
            try
            {
                names = new HashSet<string>(StringComparer.Ordinal);
                while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    names.Add(reader.GetString(0));
                }
            }
            finally
            {
                await RowImageReader.DisposeAsync(reader, async).ConfigureAwait(false);
            }
        }
        catch (DbException)
        {
            names = null;
        }
        finally
        {
            await RowImageReader.DisposeAsync(query, async).ConfigureAwait(false);
        }

        if (inTransaction)
        {
            var end = names is null ? "ROLLBACK TO SAVEPOINT cachebot_catalog; RELEASE SAVEPOINT cachebot_catalog" : "RELEASE SAVEPOINT cachebot_catalog";
            await TryExecuteAsync(command, end, async, cancellationToken).ConfigureAwait(false);
        }

        return names is null ? null : new Snapshot(names.ToFrozenSet(StringComparer.Ordinal), loadedAt);
    }

    private static async ValueTask<bool> TryExecuteAsync(DbCommand command, string sql, bool async, CancellationToken cancellationToken)
    {
        var sibling = RowImageReader.CreateSibling(command, sql);
        try
        {
            _ = async ? await sibling.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : sibling.ExecuteNonQuery();
            return true;
        }
        catch (DbException)
        {
            return false;
        }
        finally
        {
            await RowImageReader.DisposeAsync(sibling, async).ConfigureAwait(false);
        }
    }

    private sealed record Snapshot(FrozenSet<string> ReadOnly, long LoadedAt);
}

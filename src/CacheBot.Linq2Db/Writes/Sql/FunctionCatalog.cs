using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Data.Common;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes.Sql;

/// <summary>
/// Which PostgreSQL functions are provably read-only, learnt from <c>pg_proc</c> once per database and kept for at most
/// the cache's default time to live (DDL through a tracked connection drops it at once). A name is read-only when every
/// function of that name, in every schema, is: built-ins that are not volatile (plus volatile built-ins that change no
/// table: <c>random</c>, <c>nextval</c>, <c>pg_advisory_lock</c>, ...), user functions marked STABLE or IMMUTABLE in
/// SQL or PL/pgSQL, which PostgreSQL itself forbids to modify the database, and non-volatile C or internal functions,
/// aggregates and window functions that belong to an installed extension (such as citext's <c>max(citext)</c>, which
/// would otherwise make every <c>MAX</c> a database write). Anything else, a name it does not know (a
/// function created after it was learnt), or a catalog it cannot read, may write: the statement is a database write.
/// </summary>
/// <remarks>
/// Functions a statement reaches indirectly are not followed here: views, defaults, generated columns and policies are
/// the schema reader's (it uses <see cref="ReadOnlyFunctionCondition"/>), triggers are writes of the whole database, and
/// operators and casts backed by user functions are not followed.
/// Thread-safe: the set is replaced atomically; two loads racing only cost a query.
/// </remarks>
internal sealed class FunctionCatalog
{
    /// <summary>
    /// Whether the function <c>p</c> (in <c>pg_proc</c>, with its language <c>l</c>) is provably read-only, by the rules
    /// above: a condition over one function, shared with the schema reader (defaults and policies that call functions).
    /// </summary>
    internal const string ReadOnlyFunctionCondition = """
        CASE
            WHEN p.pronamespace = 'pg_catalog'::regnamespace THEN
                (p.provolatile <> 'v' OR p.proname IN ('random', 'random_normal', 'setseed', 'clock_timestamp', 'timeofday',
                    'gen_random_uuid', 'uuidv4', 'uuidv7', 'nextval', 'setval', 'currval', 'lastval', 'pg_sleep', 'pg_sleep_for',
                    'pg_sleep_until', 'txid_current', 'pg_current_xact_id', 'pg_notify', 'pg_advisory_lock', 'pg_advisory_unlock',
                    'pg_advisory_xact_lock', 'pg_try_advisory_lock', 'pg_try_advisory_xact_lock', 'pg_advisory_lock_shared',
                    'pg_advisory_unlock_shared', 'pg_advisory_xact_lock_shared', 'pg_try_advisory_lock_shared',
                    'pg_try_advisory_xact_lock_shared', 'pg_advisory_unlock_all'))
                AND p.proname NOT IN ('set_config', 'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
                    'cursor_to_xml', 'cursor_to_xmlschema', 'ts_stat')
            ELSE p.provolatile <> 'v' AND (
                (p.prokind = 'f' AND l.lanname IN ('sql', 'plpgsql'))
                OR (p.prokind IN ('f', 'a', 'w') AND l.lanname IN ('internal', 'c') AND EXISTS (
                    SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')))
        END
        """;

    private const string Query = """
        SELECT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
        GROUP BY p.proname
        HAVING bool_and(
        """ + ReadOnlyFunctionCondition + ")";

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
        var query = RowImageReader.CreateSibling(command, Query);
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

using CacheBot.Linq.Providers.Sql;
using System.Collections.Concurrent;
using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Model;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// What only the database knows, learnt from its catalog once per database and relation: views and the tables they
/// read, triggers and what they write, foreign keys and their actions, inheritance, and per column how text compares
/// (collation, padding, affinity). Used by the write path (which other relations a write changes) and by the entity
/// model (which columns may narrow).
/// </summary>
/// <remarks>
/// <para>Identity: one catalog per logical database (<see cref="ForDatabase"/>, shared by every configuration with that
/// database id), or one per connection for a database private to a connection (<see cref="ForConnection"/>).</para>
/// <para>Threading: facts live in a <see cref="CatalogSnapshot"/> swapped as a whole by <see cref="Clear"/> (DDL, or SQL
/// CacheBot cannot classify). Concurrent readers of one relation may both read the catalog; both results are equal and
/// the first one kept. A read that began before a clear fills only the old snapshot.</para>
/// <para>Soundness: DDL run inside a transaction is not visible to other connections until it commits, so while such a
/// transaction is open nothing read is kept, and the catalog is cleared again once it has ended. A catalog that cannot be
/// read makes the write a whole-database write and the table uncached on the read side; DDL made outside tracked
/// connections is not seen until <see cref="Clear"/> runs (documented in docs/invalidation.md).</para>
/// </remarks>
internal sealed class SchemaCatalog
{
    private static readonly ConcurrentDictionary<string, SchemaCatalog> SharedCatalogs = new(StringComparer.Ordinal);

    private readonly ISchemaReader? _reader;
    private readonly Func<DbConnection>? _openPlain;
    private readonly DbConnection? _connection;
    private readonly List<Func<bool>> _openDdlTransactions = [];
    private CatalogSnapshot _snapshot = new();
    private int _openDdlCount;
    private volatile bool _closed;

    private SchemaCatalog(string providerName, Func<DbConnection>? openPlain, DbConnection? connection)
    {
        ProviderName = providerName;
        _openPlain = openPlain;
        _connection = connection;
        _reader = providerName.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) ? SqliteSchemaReader.Instance
            : providerName.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) ? PostgresSchemaReader.Instance
            : null;
    }

    public string ProviderName { get; }

    /// <summary>Gets whether CacheBot can read this provider's catalog (SQLite, PostgreSQL).</summary>
    public bool IsSupported => _reader is not null;

    /// <summary>Gets whether the private database this catalog describes is gone (its connection closed).</summary>
    public bool IsClosed => _closed;

    /// <summary>Gets the entity models built over this database, by mapping configuration id.</summary>
    public ConcurrentDictionary<int, Linq2DbEntityModel> Models { get; } = new();

    /// <summary>Returns the catalog of a database every connection of a configuration shares.</summary>
    /// <param name="databaseId">The logical database id.</param>
    /// <param name="providerName">The linq2db provider name.</param>
    /// <param name="openPlain">Creates a plain (unopened, untracked) connection to the database, for reads on the query path.</param>
    public static SchemaCatalog ForDatabase(string databaseId, string providerName, Func<DbConnection>? openPlain) =>
        SharedCatalogs.GetOrAdd(databaseId, static (_, state) => new SchemaCatalog(state.providerName, state.openPlain, null), (providerName, openPlain));

    /// <summary>Returns a new catalog for a database only <paramref name="connection"/> reaches (SQLite <c>:memory:</c>).</summary>
    /// <param name="providerName">The linq2db provider name.</param>
    /// <param name="connection">The connection, or null when no read on the query path is possible (only writes' own connections).</param>
    public static SchemaCatalog ForConnection(string providerName, DbConnection? connection) => new(providerName, null, connection);

    /// <summary>Forgets every fact (DDL or unclassified SQL ran).</summary>
    public void Clear() => Volatile.Write(ref _snapshot, new CatalogSnapshot());

    /// <summary>DDL ran: forget every fact, and keep nothing read while <paramref name="stillInTransaction"/> holds.</summary>
    public void DdlExecuted(Func<bool>? stillInTransaction)
    {
        // Register the open transaction before clearing: a reader that sees the new snapshot also sees it (and keeps nothing).
        if (stillInTransaction is not null)
        {
            lock (_openDdlTransactions)
            {
                _openDdlTransactions.Add(stillInTransaction);
                Volatile.Write(ref _openDdlCount, _openDdlTransactions.Count);
            }
        }

        Clear();
    }

    /// <summary>
    /// Whether facts already learnt say a write to <paramref name="relation"/> changes nothing else (no trigger, no
    /// foreign-key action, no view or parent reading it); false when that is not known without reading the catalog.
    /// </summary>
    public bool IsSelfContained(RelationRef relation)
    {
        if (_reader is null)
        {
            return true; // a provider whose catalog CacheBot does not read: table writes, as ever
        }

        return !HasOpenDdlTransaction() && Volatile.Read(ref _snapshot).Facts.TryGetValue(relation.Key, out var facts) && facts is not null
            && facts.Triggers.Count == 0 && facts.Dependents.Count == 0 && facts.WrittenWith.Count == 0
            && facts.Children.All(static fk => fk.OnDelete == ForeignKeyAction.None && fk.OnUpdate == ForeignKeyAction.None);
    }

    /// <summary>Returns the facts already learnt for <paramref name="relation"/> (no catalog read); null when not known yet.</summary>
    public TableFacts? TryGetKnown(RelationRef relation) =>
        _reader is not null && !HasOpenDdlTransaction() && Volatile.Read(ref _snapshot).Facts.TryGetValue(relation.Key, out var facts) ? facts : null;

    /// <summary>Marks the private database gone: models over it stop caching.</summary>
    public void MarkClosed() => _closed = true;

    /// <summary>Returns the facts of <paramref name="relation"/> read on <paramref name="session"/>; null when it does not exist.</summary>
    /// <exception cref="DbException">The catalog could not be read.</exception>
    public async ValueTask<TableFacts?> GetAsync(CatalogSession session, RelationRef relation)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_reader is null)
        {
            return null;
        }

        var snapshot = CurrentSnapshot(out var keep);
        if (snapshot.Facts.TryGetValue(relation.Key, out var known))
        {
            return known;
        }

        var facts = await _reader.ReadAsync(session, snapshot, relation).ConfigureAwait(false);
        if (keep)
        {
            snapshot.Facts.TryAdd(relation.Key, facts);
        }

        return facts;
    }

    /// <summary>
    /// Returns the facts of <paramref name="relation"/> for the entity model (on a query miss, synchronously): read on
    /// the private connection, or on a plain connection of its own. False when the catalog cannot be read.
    /// </summary>
    public bool TryGetForModel(RelationRef relation, out TableFacts? facts)
    {
        facts = null;
        if (_reader is null || _closed)
        {
            return false;
        }

        if (_snapshot.Facts.TryGetValue(relation.Key, out facts) && !HasOpenDdlTransaction())
        {
            return true;
        }

        try
        {
            if (_connection is not null)
            {
                if (_connection.State != System.Data.ConnectionState.Open)
                {
                    return false;
                }

                facts = SyncPath.Result(GetAsync(new CatalogSession(_connection, null, async: false, CancellationToken.None), relation));
                return true;
            }

            if (_openPlain is null)
            {
                return false;
            }

            // A connection of its own, outside any ambient TransactionScope (no enlistment, no escalation).
            using var suppress = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeOption.Suppress);
            using var connection = _openPlain();
            WithoutPooling(connection);
            connection.Open();
            facts = SyncPath.Result(GetAsync(new CatalogSession(connection, null, async: false, CancellationToken.None), relation));
            return true;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or InvalidCastException or FormatException)
        {
            facts = null;
            return false;
        }
    }

    /// <summary>
    /// Catalog reads on the query path are rare (once per relation): a pooled connection would keep a second physical
    /// connection per pool idle for nothing, so pooling is turned off where the provider's builder knows the key.
    /// </summary>
    private static void WithoutPooling(DbConnection connection)
    {
        try
        {
            if (DbProviderFactories.GetFactory(connection)?.CreateConnectionStringBuilder() is { } builder)
            {
                builder.ConnectionString = connection.ConnectionString;
                if (builder.ContainsKey("Pooling"))
                {
                    builder["Pooling"] = false;
                    connection.ConnectionString = builder.ConnectionString;
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // Keep the connection as the application configured it.
        }
    }

    private bool HasOpenDdlTransaction() => Volatile.Read(ref _openDdlCount) > 0;

    /// <summary>The snapshot to read into; <paramref name="keep"/> is false while DDL may be uncommitted on another connection.</summary>
    private CatalogSnapshot CurrentSnapshot(out bool keep)
    {
        // The snapshot is read first: if a DDL cleared it since, the DDL's open transaction is visible below.
        var snapshot = Volatile.Read(ref _snapshot);
        keep = true;
        if (!HasOpenDdlTransaction())
        {
            return snapshot;
        }

        lock (_openDdlTransactions)
        {
            var ended = _openDdlTransactions.RemoveAll(static open => !open()) > 0;
            Volatile.Write(ref _openDdlCount, _openDdlTransactions.Count);
            if (ended)
            {
                Clear(); // what was read while the DDL was uncommitted may predate it
            }

            keep = _openDdlTransactions.Count == 0;
        }

        return keep ? Volatile.Read(ref _snapshot) : new CatalogSnapshot();
    }
}

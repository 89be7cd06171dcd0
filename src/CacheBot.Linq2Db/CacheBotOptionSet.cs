using CacheBot.Linq.Providers;
using System.Data.Common;
using CacheBot.Linq2Db.Schema;
using CacheBot.Linq2Db.Transactions;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Internal.Common;
using LinqToDB.Internal.Options;

namespace CacheBot.Linq2Db;

/// <summary>
/// CacheBot's settings stored in linq2db's <c>DataOptions</c> by <see cref="CacheBotDataOptionsExtensions.UseCacheBot"/>:
/// the cache and the identity of the database (provider and connection string). Part of linq2db's configuration id,
/// so it is value-based: two option sets with the same cache and database compare and hash alike.
/// </summary>
public sealed class CacheBotOptionSet : IOptionSet, IEquatable<CacheBotOptionSet>
{
    private static readonly CacheBotOptionSet Empty = new();

    /// <summary>Creates an empty option set (linq2db needs a parameterless constructor for its defaults).</summary>
    public CacheBotOptionSet()
    {
        DatabaseId = string.Empty;
    }

    internal CacheBotOptionSet(Linq.QueryCache cache, DatabaseIdentityInfo identity, string providerName, Func<DbConnection>? openPlain, string? connectionString)
    {
        Cache = cache;
        DatabaseId = identity.Id;
        Kind = identity.Kind;
        ProviderName = providerName;
        _connectionString = connectionString;
        _directory = identity.DependsOnDirectory ? Environment.CurrentDirectory : null;
        // A private database has a catalog per connection (ForConnection); this one serves only writes that reach it anyway.
        _schema = identity.Kind == DatabaseKind.PerConnection
            ? SchemaCatalog.ForConnection(providerName, null)
            : SchemaCatalog.ForDatabase(identity.Id, providerName, openPlain);
        ReadGate = Transactions.DatabaseGate.For(identity.Id);
        Functions = Writes.Sql.FunctionCatalog.For(identity.Id);
        OpenPlain = identity.Kind == DatabaseKind.Shared ? openPlain : null;
    }

    private CacheBotOptionSet(Linq.QueryCache cache, string databaseId, DatabaseKind kind, string providerName, SchemaCatalog schema, Transactions.DatabaseGate gate)
    {
        Cache = cache;
        DatabaseId = databaseId;
        Kind = kind;
        ProviderName = providerName;
        _schema = schema;
        IsConnectionScope = true;
        // A private database's function catalog is its own (not kept in the per-id registry after it is gone); its read gate
        // is its configuration's, which is the one reads check (a session change that may leak through the pool closes it).
        ReadGate = gate;
        Functions = kind == DatabaseKind.PerConnection ? new Writes.Sql.FunctionCatalog() : Writes.Sql.FunctionCatalog.For(databaseId);
    }

    private static long _connectionCounter;
    private readonly string? _connectionString;
    private readonly string? _directory;
    private readonly SchemaCatalog _schema = SchemaCatalog.ForConnection(string.Empty, null);

    /// <summary>Gets the cache queries and writes of this connection use; <see langword="null"/> in the empty set.</summary>
    public Linq.QueryCache? Cache { get; }

    /// <summary>
    /// Gets the logical database name: linq2db provider name plus a hash of the normalised connection string (or the
    /// name given to <c>UseCacheBot</c>). Connections to a private database (SQLite <c>:memory:</c>) each use an id of their own.
    /// </summary>
    public string DatabaseId { get; }

    /// <summary>Gets whether the configuration's connections share one database, are each their own, or may differ (not part of equality).</summary>
    internal DatabaseKind Kind { get; }

    /// <summary>Gets the linq2db provider name.</summary>
    internal string ProviderName { get; } = string.Empty;

    /// <summary>Gets whether this set belongs to one connection (a private database, or a connection whose identity differs from its configuration's).</summary>
    internal bool IsConnectionScope { get; }

    /// <summary>Gets the facts learnt from the database catalog: views, triggers, foreign keys, collations (not part of equality).</summary>
    internal SchemaCatalog Schema => _schema;

    /// <summary>
    /// Returns the settings a connection created for this configuration uses: this set when every connection reaches
    /// the same database, else a set of the connection's own (a private database gets a unique identity and catalog; a
    /// relative path resolved under another working directory gets its identity and is not read from the cache).
    /// </summary>
    internal CacheBotOptionSet ForConnection(DbConnection inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var kind = Kind;
        var id = DatabaseId;
        if (kind == DatabaseKind.Shared && _connectionString is null)
        {
            // A connection factory: the connection it made tells whether its database is private.
            var resolved = DatabaseIdentity.Resolve(ProviderName, ProviderConnections.DialectOf(ProviderName), inner, inner.ConnectionString);
            kind = resolved.Kind == DatabaseKind.PerConnection ? DatabaseKind.PerConnection : kind;
        }
        else if (_directory is not null && !string.Equals(_directory, Environment.CurrentDirectory, StringComparison.Ordinal))
        {
            var resolved = DatabaseIdentity.Resolve(ProviderName, ProviderConnections.DialectOf(ProviderName), inner, _connectionString);
            if (resolved.Id != DatabaseId)
            {
                return new CacheBotOptionSet(Cache!, resolved.Id, DatabaseKind.Uncacheable, ProviderName, SchemaCatalog.ForDatabase(resolved.Id, ProviderName, null),
                    Transactions.DatabaseGate.For(resolved.Id));
            }
        }

        if (kind != DatabaseKind.PerConnection)
        {
            return this;
        }

        var own = id + "#" + Interlocked.Increment(ref _connectionCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var catalog = SchemaCatalog.ForConnection(ProviderName, inner);
        var cache = Cache!;
        inner.StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed && e.OriginalState != System.Data.ConnectionState.Closed)
            {
                // The private database is gone with its connection: nothing cached for it may be read again.
                catalog.MarkClosed();
                cache.ApplyCommitted([Linq.Providers.WriteRecord.ForDatabase(own)]);
            }
        };
        return new CacheBotOptionSet(cache, own, DatabaseKind.PerConnection, ProviderName, catalog, ReadGate);
    }

    /// <summary>
    /// Returns the settings reads on <paramref name="dataContext"/> use, or <see langword="null"/> when its reads must not
    /// be cached (connections may reach different data, or a private database a <see cref="DataContext"/> reopens per query).
    /// </summary>
    internal CacheBotOptionSet? ForReads(IDataContext dataContext)
    {
        if (Kind == DatabaseKind.Uncacheable)
        {
            return null;
        }

        var sameDirectory = _directory is null || string.Equals(_directory, Environment.CurrentDirectory, StringComparison.Ordinal);
        if (Kind == DatabaseKind.Shared && sameDirectory && (_connectionString is not null || dataContext is not DataConnection))
        {
            return this;
        }

        // The connection decides (a factory's connection may be private): a DataConnection keeps one open; a DataContext
        // over a private database opens a new one per query.
        if (dataContext is not DataConnection connection || connection.OpenDbConnection() is not TrackingConnection { Options: var own } || own.Kind == DatabaseKind.Uncacheable)
        {
            return null;
        }

        return own.IsConnectionScope && !own.Schema.IsClosed ? own : ReferenceEquals(own, this) ? this : null;
    }

    /// <summary>
    /// Gets a way to open a connection of CacheBot's own to the database (not tracked, not part of equality), or null for
    /// databases a new connection may not reach (private, per connection).
    /// </summary>
    internal Func<DbConnection>? OpenPlain { get; }

    /// <summary>Gets the database's read gate: closed while reads of the database must bypass the cache (not part of equality).</summary>
    internal Transactions.DatabaseGate ReadGate { get; } = new();

    /// <summary>Gets which functions of the database are provably read-only, learnt from its catalog (not part of equality).</summary>
    internal Writes.Sql.FunctionCatalog Functions { get; } = new();

    /// <inheritdoc/>
    public int ConfigurationID
    {
        get
        {
            using var builder = new IdentifierBuilder();
            return builder.Add(DatabaseId).Add(Cache is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Cache)).CreateID();
        }
    }

    /// <inheritdoc/>
    public IOptionSet Default => Empty;

    /// <inheritdoc/>
    public bool Equals(CacheBotOptionSet? other) =>
        other is not null && ReferenceEquals(Cache, other.Cache) && DatabaseId == other.DatabaseId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CacheBotOptionSet);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(DatabaseId, Cache is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Cache));
}

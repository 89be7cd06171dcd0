using System.Runtime.CompilerServices;
using CacheBot.EntityFrameworkCore.Model;
using CacheBot.EntityFrameworkCore.Querying;
using CacheBot.EntityFrameworkCore.Transactions;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;

namespace CacheBot.EntityFrameworkCore.Infrastructure;

/// <summary>
/// CacheBot's state for one DbContext (a scoped service of EF's internal provider): the cache and database identity from
/// the context's options, the entity model, the query contexts, writes waiting for a commit, and which tracked entities
/// were loaded from the database (their original values are database values).
/// </summary>
/// <remarks>
/// <para>Threading: a DbContext is used by one caller at a time, and so is its state; the pending-write list locks anyway.</para>
/// <para>Pooling: <see cref="ResetState"/> runs when a pooled context is returned: pending writes (of a transaction that was
/// never committed) are dropped and the provenance table is cleared.</para>
/// </remarks>
internal sealed class CacheBotContextState : IResettableService
{
    private static readonly object Marker = new();

    /// <summary>An identity per connection object of a private database (each connection to <c>:memory:</c> is its own database).</summary>
    private static readonly ConditionalWeakTable<System.Data.Common.DbConnection, string> PrivateDatabases = new();

    private readonly ICurrentDbContext _current;
    private readonly CacheBotOptionsExtension _extension;
    private string? _databaseId;
    private EfEntityModel? _model;
    private EfQueryContext? _queryContext;
    private EfQueryContext? _bypassContext;
    private ConditionalWeakTable<object, object> _fromDatabase = new();
    private EventHandler<EntityTrackedEventArgs>? _trackedHandler;
    private bool _schemaChangeInTransaction;
    private System.Data.Common.DbConnection? _identityConnection;
    private string? _identityText;

    public CacheBotContextState(ICurrentDbContext current, IDbContextOptions options)
    {
        _current = current;
        _extension = options.FindExtension<CacheBotOptionsExtension>()
            ?? throw new InvalidOperationException("CacheBot's services were resolved for a context whose options do not call UseCacheBot(cache).");
    }

    public DbContext Context => _current.Context;

    public QueryCache Cache => _extension.Cache;

    /// <summary>
    /// Gets the logical database name: the one given to <c>UseCacheBot</c>, or the provider and the connection string's
    /// identity as the core resolves it (<see cref="DatabaseIdentity"/>: the provider's own connection-string builder, every
    /// setting that may change the data a connection sees, PostgreSQL <c>Options</c> and <c>PGOPTIONS</c> included). A
    /// private database (SQLite <c>:memory:</c>) is the connection object's own; several PostgreSQL hosts that may be
    /// standbys make reads bypass the cache (<see cref="ReadsUncacheable"/>). Resolved again when the connection or its
    /// string changes (<c>SetConnectionString</c>, <c>SetDbConnection</c>, a pooled context).
    /// </summary>
    public string DatabaseId
    {
        get
        {
            var connection = Context.Database.GetDbConnection();
            var text = Context.Database.GetConnectionString();
            if (_databaseId is null || !ReferenceEquals(connection, _identityConnection) || !string.Equals(text, _identityText, StringComparison.Ordinal))
            {
                var store = StoreKinds.FromProviderName(Context.Database.ProviderName);
                var info = DatabaseIdentity.Resolve(Context.Database.ProviderName ?? "ef", Writes.CommandWrites.DialectOf(store), connection, text);
                var id = _extension.DatabaseName ?? info.Id;
                ReadsUncacheable = info.Kind == DatabaseKind.Uncacheable;
                _databaseId = info.Kind == DatabaseKind.PerConnection ? id + ":connection:" + PrivateDatabases.GetValue(connection, static _ => Guid.NewGuid().ToString("N")) : id;
                (_identityConnection, _identityText) = (connection, text);
            }

            return _databaseId;
        }
    }

    /// <summary>Gets whether this context's connections may reach different data under one identity (several hosts that may be standbys): reads bypass the cache.</summary>
    public bool ReadsUncacheable { get; private set; }

    /// <summary>
    /// Gets the entity model on this database, built on the database's catalog facts (<see cref="StoreFacts"/>, read once per
    /// database; rebuilt when DDL made them stale).
    /// </summary>
    public EfEntityModel Model
    {
        get
        {
            var model = _model;
            if (model is null || !model.Facts.IsCurrent || !string.Equals(model.Database, DatabaseId, StringComparison.Ordinal))
            {
                var store = StoreKinds.FromProviderName(Context.Database.ProviderName);
                var facts = StoreFacts.For(DatabaseId, () => StoreCatalog.Read(Context, store, ModelSchemas()));
                _model = model = EfEntityModel.For(Context.Model, DesignModel, DatabaseId, store, facts);
            }

            return model;
        }
    }

    /// <summary>Gets the query context of this DbContext (one per context: it holds no per-query state).</summary>
    /// <remarks>Made again when the model changed (another database after <c>SetConnectionString</c>, or DDL).</remarks>
    public EfQueryContext QueryContext =>
        _queryContext is { } current && ReferenceEquals(current.EfModel, Model)
            ? current
            : _queryContext = new EfQueryContext(this, Context.GetService<IAsyncQueryProvider>(), Context.GetService<IQueryCompiler>(), bypass: false);

    /// <summary>Gets a query context whose reads always bypass the cache (tracking queries that return entities).</summary>
    public EfQueryContext BypassContext =>
        _bypassContext is { } current && ReferenceEquals(current.EfModel, Model)
            ? current
            : _bypassContext = new EfQueryContext(this, Context.GetService<IAsyncQueryProvider>(), Context.GetService<IQueryCompiler>(), bypass: true);

    /// <summary>Gets the writes made inside the open transaction, applied after its commit.</summary>
    public PendingWrites Pending { get; } = new();

    /// <summary>Gets whether reads must bypass the cache and writes wait: a transaction is open on the context, or an ambient one.</summary>
    /// <remarks>Also while raw SQL holds a transaction open (<see cref="RawTransaction"/>) or changed the session (<see cref="SessionAltered"/>).</remarks>
    public bool IsInTransaction => Context.Database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null || RawTransaction || SessionAltered;

    /// <summary>
    /// Gets or sets whether raw SQL began a transaction or savepoint EF does not know of (until a raw COMMIT or ROLLBACK, or the
    /// end of an EF transaction): reads bypass the cache, and UPDATE/DELETE images are not read.
    /// </summary>
    public bool RawTransaction { get; set; }

    /// <summary>
    /// Gets or sets whether raw SQL changed the connection's session state (search path, role, settings, temporary objects,
    /// attached databases): for the rest of the context's life its reads bypass the cache and its writes are database writes.
    /// </summary>
    public bool SessionAltered { get; set; }

    /// <summary>
    /// Records that DDL ran through this context: the database's catalog facts are dropped now and, when a transaction was
    /// open (its DDL becomes visible to other connections only at its end), again when it ends.
    /// </summary>
    public void SchemaChanged()
    {
        StoreFacts.Forget(DatabaseId);
        _schemaChangeInTransaction |= IsInTransaction;
    }

    /// <summary>A transaction of the context ended: drops the catalog facts again when DDL ran inside it.</summary>
    public void SchemaChangeEnded()
    {
        if (_schemaChangeInTransaction)
        {
            _schemaChangeInTransaction = false;
            StoreFacts.Forget(DatabaseId);
        }
    }

    /// <summary>Gets or sets whether the open transaction was supplied by the user (<c>UseTransaction</c>): its commit may never be seen.</summary>
    public bool ExternalTransaction { get; set; }

    /// <summary>
    /// Subscribes to the change tracker so entities tracked by a query are known to hold database values. Idempotent and
    /// repeated before saves and queries, because a pooled context restores its events when it is returned.
    /// </summary>
    public void EnsureProvenanceTracking()
    {
        var tracker = Context.ChangeTracker;
        _trackedHandler ??= OnTracked;
        tracker.Tracked -= _trackedHandler;
        tracker.Tracked += _trackedHandler;
    }

    /// <summary>Returns whether <paramref name="entity"/> was tracked from a query or written by a save (its original values are database values).</summary>
    public bool IsFromDatabase(object entity) => _fromDatabase.TryGetValue(entity, out _);

    /// <summary>Records that <paramref name="entity"/> holds database values (after it was saved).</summary>
    public void MarkFromDatabase(object entity) => _fromDatabase.AddOrUpdate(entity, Marker);

    private List<string> ModelSchemas()
    {
        var schemas = new List<string>();
        foreach (var table in Context.Model.GetRelationalModel().Tables)
        {
            if (table.Schema is { } schema && !schemas.Contains(schema))
            {
                schemas.Add(schema);
            }
        }

        return schemas;
    }

    private Microsoft.EntityFrameworkCore.Metadata.IModel? DesignModel()
    {
        try
        {
            return Context.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model;
        }
        catch (InvalidOperationException)
        {
            return null; // a compiled model: collations are unknown, string columns do not narrow
        }
    }

    public void ResetState()
    {
        SchemaChangeEnded();
        Pending.Clear();
        ExternalTransaction = false;
        RawTransaction = false;
        SessionAltered = false;
        _fromDatabase = new ConditionalWeakTable<object, object>();
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }

    private void OnTracked(object? sender, EntityTrackedEventArgs e)
    {
        if (e.FromQuery)
        {
            _fromDatabase.AddOrUpdate(e.Entry.Entity, Marker);
        }
        else
        {
            // Attached by user code (Attach, Update, Add, Remove of a detached object): its original values are claims.
            _fromDatabase.Remove(e.Entry.Entity);
        }
    }
}

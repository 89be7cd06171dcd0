using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Wraps the provider's connection so CacheBot sees every transaction's commit and rollback, whoever drives it
/// (linq2db's <c>BeginTransaction</c>, a <c>DataContext</c>, user code on the raw connection, or SQL text), and holds
/// the per-connection state the read side asks about: open or unknown transactions (<see cref="Transactions"/>) and
/// session changes (<see cref="Session"/>).
/// </summary>
/// <remarks>
/// <para>Provider code that needs the real connection gets it through <see cref="CacheBotUnwrapInterceptor"/>; that is
/// how a provider-specific bulk copy (PostgreSQL binary COPY, which sends no command) is seen (<see cref="Transactions.ProviderSpecificWrite"/>):
/// every read of the database bypasses the cache (<see cref="DatabaseGate"/>) until the copy's write is applied, so no
/// reader that starts after the copy can get pre-copy data.</para>
/// <para>A session changed with SQL text is reset by closing the connection; where the provider's pool would hand the
/// same session to the next connection (Microsoft.Data.Sqlite; Npgsql with <c>No Reset On Close</c>) the physical
/// connection is dropped from the pool first; where that is impossible (or, for a SQLite in-memory database, could destroy
/// it) the database's gate closes for good.</para>
/// <para>Not thread-safe beyond what the inner connection is (a connection is used by one caller at a time).</para>
/// </remarks>
internal sealed class TrackingConnection : DbConnection
{
    private SqlDialect? _dialect;

    public TrackingConnection(DbConnection inner, CacheBotOptionSet options)
    {
        Inner = inner;
        Options = options;
        Transactions = new TransactionTracker(this);
        ProviderSpecificWrite = new ProviderSpecificWrite(this);
    }

    public DbConnection Inner { get; }

    public CacheBotOptionSet Options { get; }

    public TransactionTracker Transactions { get; }

    public SessionTracker Session { get; } = new();

    /// <summary>The provider-specific write (binary COPY) in flight on this connection, if any.</summary>
    public ProviderSpecificWrite ProviderSpecificWrite { get; }

    public SqlDialect Dialect => _dialect ??= ProviderConnections.DialectOf(Inner);

    /// <summary>Gets whether reads on this connection must bypass the cache: a transaction is open or unknown, or the session changed.</summary>
    public bool BypassReads => Transactions.InTransaction || Transactions.ApiTransaction is not null || Session.Changed;

    [AllowNull]
    public override string ConnectionString
    {
        get => Inner.ConnectionString;
        set => Inner.ConnectionString = value;
    }

    public override string Database => Inner.Database;

    public override string DataSource => Inner.DataSource;

    public override string ServerVersion => Inner.ServerVersion;

    public override ConnectionState State => Inner.State;

    public override void ChangeDatabase(string databaseName)
    {
        Inner.ChangeDatabase(databaseName);
        Session.Apply(new SqlStatement(SqlStatementKind.ReadOnly) { Sets = SessionEffect.SearchPath }, failed: false);
    }

    public override void Close()
    {
        BeforeClose();
        Inner.Close();
    }

    public override void Open()
    {
        Inner.Open();
        Transactions.Opened();
    }

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        await Inner.OpenAsync(cancellationToken).ConfigureAwait(false);
        Transactions.Opened();
    }

    public override Task CloseAsync()
    {
        BeforeClose();
        return Inner.CloseAsync();
    }

    public override void EnlistTransaction(System.Transactions.Transaction? transaction) => Inner.EnlistTransaction(transaction);

    public override async ValueTask DisposeAsync()
    {
        BeforeClose();
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
    {
        ProviderSpecificWrite.End();
        var transaction = new TrackingTransaction(this, Inner.BeginTransaction(isolationLevel));
        Transactions.ApiBegan(transaction);
        return transaction;
    }

    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken)
    {
        ProviderSpecificWrite.End();
        var transaction = new TrackingTransaction(this, await Inner.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false));
        Transactions.ApiBegan(transaction);
        return transaction;
    }

    protected override DbCommand CreateDbCommand()
    {
        ProviderSpecificWrite.End();
        return new TrackingCommand(this, Inner.CreateCommand());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            BeforeClose();
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void BeforeClose()
    {
        ProviderSpecificWrite.End();
        if (Session.Changed && Inner.State != ConnectionState.Closed && ProviderConnections.SessionStateLeaksThroughPool(Inner)
            && (ProviderConnections.IsSqliteInMemory(Inner) || !ProviderConnections.TryClearPool(Inner)))
        {
            // The changed session would reach other connections of this database through the pool, and dropping it from the
            // pool is impossible (or, for an in-memory database, could destroy the data): never trust reads of it again.
            Options.ReadGate.Close();
        }

        RollBackSqlTextTransaction();
        Session.Closed();
        Transactions.Closed();
    }

    /// <summary>
    /// Closing a connection rolls its transaction back, and CacheBot drops the writes it held for it. Microsoft.Data.Sqlite
    /// rolls back only its own <c>SqliteTransaction</c> on close: a transaction SQL text began (<c>BEGIN</c>) would go back
    /// to the pool open, and whoever takes the pooled connection next could commit those writes unseen. Roll it back, as the
    /// database does when a connection really closes; if that fails, drop the physical connection from the pool, and if
    /// even that is impossible, stop trusting reads of the database.
    /// </summary>
    private void RollBackSqlTextTransaction()
    {
        if (Dialect != SqlDialect.Sqlite || Transactions.ApiTransaction is not null || Inner.State != ConnectionState.Open
            || ProviderConnections.SqliteInTransaction(Inner) != true)
        {
            return;
        }

        try
        {
            using var command = Inner.CreateCommand();
            command.CommandText = "ROLLBACK";
            command.ExecuteNonQuery();
        }
        catch (DbException)
        {
            // The writes may commit later through another user of the pooled connection.
            Transactions.MarkUnknown();
            if (ProviderConnections.IsSqliteInMemory(Inner) || !ProviderConnections.TryClearPool(Inner))
            {
                Options.ReadGate.Close();
            }
        }
    }
}

using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// The transaction state of one tracking connection, whoever drives it: the ADO.NET API (<c>BeginTransaction</c>, commit,
/// rollback, dispose) and SQL text (<c>BEGIN</c>, <c>COMMIT [AND CHAIN]</c>, <c>ROLLBACK</c>, <c>ABORT</c>, <c>END</c>,
/// savepoints, <c>PREPARE TRANSACTION</c>). Decides when a write's invalidations apply.
/// </summary>
/// <remarks>
/// <para>Invariants. Writes recorded while a transaction is open wait in <see cref="PendingWrites"/> and are applied only
/// when the outermost transaction commits (a savepoint release, or a nested API scope, never applies them), dropped when
/// it provably rolls back; <c>ROLLBACK TO</c> keeps them (invalidating more is sound). Whatever ends the database
/// transaction first (a raw <c>COMMIT</c> after <c>BeginTransaction</c>, or the API) applies them once; the other end
/// is then stale and changes nothing. When the state is <see cref="TransactionState.Unknown"/> a write is applied at once
/// and kept for the next end too, and reads bypass the cache.</para>
/// <para>Ground truth. After transaction control and after failures, SQLite's own flag (<c>sqlite3_get_autocommit</c>)
/// replaces what the tracker inferred; PostgreSQL's state, when unknown, is probed with <c>SAVEPOINT</c> (error 25P01 means
/// no transaction). Other databases stay unknown until a statement proves the state.</para>
/// <para>Used by one caller at a time, like the connection.</para>
/// </remarks>
internal sealed class TransactionTracker
{
    private const string ProbeSavepoint = "cachebot_probe";

    private readonly TrackingConnection _connection;
    private readonly PendingWrites _pending = new();
    private List<string>? _savepoints;
    private bool _startedBySavepoint;
    private System.Transactions.Transaction? _ambient;
    private bool? _ambientInDatabaseTransaction;
    private CacheCommit? _announced;

    public TransactionTracker(TrackingConnection connection) => _connection = connection;

    /// <summary>Gets whether writes are announced to a coordinator before they commit (a shared backend such as Redis).</summary>
    public bool Announces => _connection.Options.Cache!.Coordinator is not null;

    /// <summary>
    /// With a coordinator, announces what is about to commit before the database commits it: before an autocommit write
    /// (or a batch with transaction control) runs, and before an API commit. The next application of committed writes
    /// completes the announcement (publishes them); <see cref="EndAnnouncement"/> withdraws what nothing completed.
    /// </summary>
    /// <exception cref="Linq.CacheBotException">The coordinator could not announce: the caller must not let the write commit.</exception>
    public async ValueTask AnnounceAsync(List<WriteRecord> intents, bool async, CancellationToken cancellationToken)
    {
        if (!Announces || intents.Count == 0)
        {
            return;
        }

        EndAnnouncement();
        var cache = _connection.Options.Cache!;
        _announced = async ? await cache.BeginCommitAsync(intents, cancellationToken).ConfigureAwait(false) : cache.BeginCommit(intents);
    }

    /// <summary>Announces the held writes before an API commit (see <see cref="AnnounceAsync"/>).</summary>
    public ValueTask AnnouncePendingAsync(TrackingTransaction transaction, bool async, CancellationToken cancellationToken) =>
        State == TransactionState.None || !ReferenceEquals(ApiTransaction, transaction)
            ? ValueTask.CompletedTask
            : AnnounceAsync(_pending.Snapshot(), async, cancellationToken);

    /// <summary>Gets the writes held for the open transaction (intents of a batch that may end it).</summary>
    public List<WriteRecord> PendingSnapshot() => _pending.Snapshot();

    /// <summary>Withdraws an announcement no committed write completed (the command wrote nothing that committed).</summary>
    public void EndAnnouncement()
    {
        if (_announced is { } commit)
        {
            _announced = null;
            commit.Complete([], committed: false);
        }
    }

    public TransactionState State { get; private set; }

    /// <summary>Gets the API transaction that owns the open database transaction, if any (null once SQL text ended it).</summary>
    public TrackingTransaction? ApiTransaction { get; private set; }

    /// <summary>Gets whether writes must wait (or, when unknown, also wait) for a transaction end.</summary>
    public bool InTransaction => State != TransactionState.None;

    /// <summary>Records writes: pending while a transaction is open, at once otherwise (and both when unknown).</summary>
    public void Record(List<WriteRecord> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        var cache = _connection.Options.Cache!;
        switch (State)
        {
            case TransactionState.Open:
                _pending.AddRange(writes);
                return;
            case TransactionState.Unknown:
                ApplyCommitted(writes);
                _pending.AddRange(writes);
                return;
        }

        if (System.Transactions.Transaction.Current is not { } ambient)
        {
            ApplyCommitted(writes);
            return;
        }

        // A provider that enlisted in the scope commits with it; one that did not has committed already. When the
        // database could not say which, both.
        if (!(ReferenceEquals(ambient, _ambient) && _ambientInDatabaseTransaction == true))
        {
            ApplyCommitted(writes);
        }

        ambient.TransactionCompleted += (_, _) => cache.ApplyCommitted(writes);
    }

    /// <summary>
    /// Under an ambient <c>TransactionScope</c>, asks the database once per scope whether the connection enlisted (its
    /// writes then wait for the scope) or runs in autocommit (its writes apply at once).
    /// </summary>
    public async ValueTask PrepareForAmbientAsync(bool async, CancellationToken cancellationToken)
    {
        if (State != TransactionState.None || System.Transactions.Transaction.Current is not { } ambient || ReferenceEquals(ambient, _ambient))
        {
            return;
        }

        bool? inTransaction;
        try
        {
            inTransaction = await InDatabaseTransactionAsync(async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            inTransaction = null;
        }

        _ambient = ambient;
        _ambientInDatabaseTransaction = inTransaction;
    }

    public void ApiBegan(TrackingTransaction transaction)
    {
        ApiTransaction = transaction;
        Opened(bySavepoint: false);
    }

    /// <summary>The API committed or rolled back <paramref name="transaction"/> successfully.</summary>
    public void ApiCompleted(TrackingTransaction transaction, bool committed)
    {
        if (ReferenceEquals(ApiTransaction, transaction))
        {
            Ended(committed);
            return;
        }

        // A transaction SQL text had already ended: if the API call still reached the database (SQLite runs COMMIT on a
        // transaction a later raw BEGIN opened), the ground truth tells; elsewhere the state is no longer known.
        if (State != TransactionState.None && _connection.Dialect != SqlDialect.PostgreSql && !TryReconcileSqlite())
        {
            // (Npgsql never sends anything for a transaction object that already completed.)
            MarkUnknown();
        }
    }

    /// <summary>The API's commit, rollback or dispose threw: the outcome is unknown.</summary>
    public void ApiFailed(TrackingTransaction transaction)
    {
        if (!ReferenceEquals(ApiTransaction, transaction))
        {
            return;
        }

        ApiTransaction = null;
        if (!TryReconcileSqlite())
        {
            // A failed COMMIT ends the transaction in PostgreSQL; the writes may have committed: apply them.
            Ended(committed: true);
        }
    }

    /// <summary>Applies the transaction effect of a statement that completed.</summary>
    public void Apply(SqlStatement statement)
    {
        switch (statement.Kind)
        {
            case SqlStatementKind.Begin:
                if (State != TransactionState.Open)
                {
                    Opened(bySavepoint: false);
                }

                break;
            case SqlStatementKind.Commit:
                Ended(committed: true);
                break;
            case SqlStatementKind.Rollback:
                Ended(committed: false);
                break;
            case SqlStatementKind.PrepareTransaction:
                // The transaction leaves the session uncommitted; COMMIT PREPARED, wherever it runs, is a database write.
                Ended(committed: false);
                break;
            case SqlStatementKind.CommitAndChain:
                Ended(committed: true, chain: true);
                break;
            case SqlStatementKind.RollbackAndChain:
                Ended(committed: false, chain: true);
                break;
            case SqlStatementKind.Savepoint:
                Savepoint(statement.Savepoint!);
                break;
            case SqlStatementKind.Release:
                Release(statement.Savepoint!);
                break;
            case SqlStatementKind.RollbackToSavepoint:
                RollbackTo(statement.Savepoint!);
                break;
        }

        if (statement.TransactionStateUnknown)
        {
            MarkUnknown();
        }
    }

    /// <summary>A statement that may change the transaction state failed midway.</summary>
    public void MarkUnknown()
    {
        if (State != TransactionState.Unknown)
        {
            // Writes held so far may have committed or be about to: apply them now, and again at the end.
            ApplyCommitted(_pending.Snapshot());
            State = TransactionState.Unknown;
        }
    }

    /// <summary>Replaces the inferred state by the database's own where it can be read (SQLite always; PostgreSQL when unknown).</summary>
    public async ValueTask ReconcileAsync(bool async, CancellationToken cancellationToken)
    {
        if (TryReconcileSqlite() || State != TransactionState.Unknown || _connection.Dialect != SqlDialect.PostgreSql)
        {
            return;
        }

        if (await ProbePostgresAsync(async, cancellationToken).ConfigureAwait(false) is { } inTransaction)
        {
            SetGroundTruth(inTransaction);
        }
    }

    /// <summary>
    /// Whether the session is inside a database transaction right now, asking the database when CacheBot's state does not
    /// say (unknown state, or an ambient <c>TransactionScope</c> the provider may have enlisted in); null when it cannot tell.
    /// </summary>
    public async ValueTask<bool?> InDatabaseTransactionAsync(bool async, CancellationToken cancellationToken)
    {
        if (State == TransactionState.Open)
        {
            return true;
        }

        if (State == TransactionState.None && System.Transactions.Transaction.Current is null)
        {
            return false;
        }

        return _connection.Dialect switch
        {
            SqlDialect.Sqlite => ProviderConnections.SqliteInTransaction(_connection.Inner),
            SqlDialect.PostgreSql => await ProbePostgresAsync(async, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
    }

    /// <summary>
    /// The connection opened: a pooled SQLite connection may come back inside a transaction a previous user left open
    /// with SQL text; its state is then unknown (its writes apply at once and at its end).
    /// </summary>
    public void Opened()
    {
        if (_connection.Dialect == SqlDialect.Sqlite && ProviderConnections.SqliteInTransaction(_connection.Inner) == true)
        {
            MarkUnknown();
        }
    }

    /// <summary>The connection closed: an open transaction rolled back with it.</summary>
    public void Closed()
    {
        if (State == TransactionState.Unknown)
        {
            ApplyCommitted(_pending.Snapshot());
        }

        EndAnnouncement();
        _pending.Clear();
        State = TransactionState.None;
        ApiTransaction = null;
        _savepoints = null;
        _ambient = null;
        _ambientInDatabaseTransaction = null;
    }

    /// <summary>Applies committed writes: completes the open announcement with them, or announces and applies them now.</summary>
    private void ApplyCommitted(List<WriteRecord> writes)
    {
        if (_announced is { } commit)
        {
            _announced = null;
            commit.Complete(writes);
            return;
        }

        _connection.Options.Cache!.ApplyCommitted(writes);
    }

    private bool TryReconcileSqlite()
    {
        if (_connection.Dialect != SqlDialect.Sqlite || ProviderConnections.SqliteInTransaction(_connection.Inner) is not { } inTransaction)
        {
            return false;
        }

        SetGroundTruth(inTransaction);
        return true;
    }

    private void SetGroundTruth(bool inTransaction)
    {
        if (inTransaction)
        {
            State = TransactionState.Open;
        }
        else if (State != TransactionState.None || ApiTransaction is not null)
        {
            // It ended without CacheBot seeing how (an error that rolled back, a conflict clause): apply, which is sound.
            Ended(committed: true);
        }
    }

    private void Opened(bool bySavepoint)
    {
        if (State == TransactionState.Unknown)
        {
            // The earlier writes were applied when recorded; keep them for this transaction's end as well.
            State = TransactionState.Open;
            return;
        }

        State = TransactionState.Open;
        _savepoints = null;
        _startedBySavepoint = bySavepoint;
    }

    private void Ended(bool committed, bool chain = false)
    {
        if (committed || State == TransactionState.Unknown)
        {
            ApplyCommitted(_pending.Snapshot());
        }

        EndAnnouncement();

        _pending.Clear();
        _savepoints = null;
        _startedBySavepoint = false;
        _connection.Session.TransactionEnded();
        if (chain)
        {
            State = TransactionState.Open;
            return;
        }

        State = TransactionState.None;
        ApiTransaction = null;
    }

    private void Savepoint(string name)
    {
        if (State == TransactionState.None)
        {
            if (_connection.Dialect != SqlDialect.Sqlite)
            {
                // PostgreSQL rejects SAVEPOINT outside a transaction; succeeding means CacheBot's state was wrong.
                MarkUnknown();
                return;
            }

            // SQLite: a SAVEPOINT outside a transaction opens one, which RELEASE of that savepoint commits.
            Opened(bySavepoint: true);
        }

        (_savepoints ??= []).Add(name);
    }

    private void Release(string name)
    {
        if (!PopTo(name, keep: false))
        {
            return;
        }

        if (_savepoints!.Count == 0 && _startedBySavepoint && State == TransactionState.Open)
        {
            Ended(committed: true);
        }
    }

    private void RollbackTo(string name) => PopTo(name, keep: true);

    private bool PopTo(string name, bool keep)
    {
        if (_savepoints is null)
        {
            return false;
        }

        for (var i = _savepoints.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_savepoints[i], name, _connection.Dialect == SqlDialect.PostgreSql ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                _savepoints.RemoveRange(keep ? i + 1 : i, _savepoints.Count - (keep ? i + 1 : i));
                return true;
            }
        }

        return false;
    }

    /// <summary>PostgreSQL: <c>SAVEPOINT</c> fails with 25P01 outside a transaction block and 25P02 in a failed one.</summary>
    private async ValueTask<bool?> ProbePostgresAsync(bool async, CancellationToken cancellationToken)
    {
        var command = _connection.Inner.CreateCommand();
        try
        {
            command.CommandText = "SAVEPOINT " + ProbeSavepoint;
            try
            {
                _ = async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
            }
            catch (DbException exception)
            {
                return exception.SqlState switch
                {
                    "25P01" => false,
                    "25P02" => true,
                    _ => null,
                };
            }

            command.CommandText = "RELEASE SAVEPOINT " + ProbeSavepoint;
            _ = async ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
            return true;
        }
        finally
        {
            await Writes.RowImageReader.DisposeAsync(command, async).ConfigureAwait(false);
        }
    }
}

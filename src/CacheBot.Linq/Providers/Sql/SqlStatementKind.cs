namespace CacheBot.Linq.Providers.Sql;

/// <summary>What one SQL statement does, as far as invalidation and transaction tracking are concerned.</summary>
public enum SqlStatementKind
{
    /// <summary>Provably changes no data (SELECT without writing calls, SHOW, EXPLAIN without ANALYZE, LOCK, ...).</summary>
    ReadOnly = 0,

    /// <summary>INSERT into one named table (new rows can be read back with RETURNING).</summary>
    Insert,

    /// <summary>UPDATE of one named table (pre-image with the statement's own WHERE, post-image with RETURNING).</summary>
    Update,

    /// <summary>DELETE from one named table (old rows with RETURNING).</summary>
    Delete,

    /// <summary>INSERT ... ON CONFLICT (named key) DO UPDATE: old images of the conflicting rows and the new images.</summary>
    Upsert,

    /// <summary>Changes unknown rows of the named table(s) (REPLACE, MERGE, TRUNCATE, COPY FROM, an upsert without a named key).</summary>
    TableWrite,

    /// <summary>Schema change of the named table(s) (CREATE TABLE, CREATE INDEX, DROP TABLE); learnt catalogs are cleared.</summary>
    Ddl,

    /// <summary>A write of unknown extent (procedures, DO blocks, other DDL, anything not provably read-only): every table.</summary>
    DatabaseWrite,

    /// <summary><c>BEGIN</c>, <c>START TRANSACTION</c>.</summary>
    Begin,

    /// <summary><c>COMMIT</c>, <c>END</c>.</summary>
    Commit,

    /// <summary><c>COMMIT AND CHAIN</c>: commits and opens a new transaction at once.</summary>
    CommitAndChain,

    /// <summary><c>ROLLBACK</c>, <c>ABORT</c>.</summary>
    Rollback,

    /// <summary><c>ROLLBACK AND CHAIN</c>: rolls back and opens a new transaction at once.</summary>
    RollbackAndChain,

    /// <summary><c>SAVEPOINT name</c> (in SQLite, outside a transaction, it opens one).</summary>
    Savepoint,

    /// <summary><c>RELEASE [SAVEPOINT] name</c> (in SQLite, releasing the savepoint that opened the transaction commits it).</summary>
    Release,

    /// <summary><c>ROLLBACK TO [SAVEPOINT] name</c>: the transaction stays open; its writes are kept (invalidating more is sound).</summary>
    RollbackToSavepoint,

    /// <summary>PostgreSQL <c>PREPARE TRANSACTION 'id'</c>: the transaction leaves the session, not yet committed.</summary>
    PrepareTransaction,

    /// <summary>PostgreSQL <c>COMMIT PREPARED 'id'</c>: commits writes CacheBot no longer holds: a database write.</summary>
    CommitPrepared,

    /// <summary>PostgreSQL <c>ROLLBACK PREPARED 'id'</c>.</summary>
    RollbackPrepared,
}

namespace CacheBot.Linq2Db.Writes;

/// <summary>What a SQL command does to the database, as far as invalidation is concerned.</summary>
internal enum SqlStatementKind
{
    /// <summary>Reads only (SELECT, PRAGMA, transaction control, ...): invalidates nothing.</summary>
    ReadOnly = 0,

    /// <summary>INSERT into one table (row images can be read back with RETURNING).</summary>
    Insert,

    /// <summary>UPDATE of one table (pre-image by SELECT with the same WHERE, post-image with RETURNING).</summary>
    Update,

    /// <summary>DELETE from one table (pre-image with RETURNING).</summary>
    Delete,

    /// <summary>Changes unknown rows of one table (upsert, MERGE, TRUNCATE, DDL): a table write.</summary>
    TableWrite,

    /// <summary>Opens a transaction with SQL text (<c>BEGIN</c>, <c>START TRANSACTION</c>).</summary>
    BeginTransaction,

    /// <summary>Ends a transaction opened with SQL text (<c>COMMIT</c>, <c>END</c>, <c>ROLLBACK</c> without <c>TO</c>).</summary>
    EndTransaction,

    /// <summary>A write CacheBot cannot attribute to a table (procedures, several statements, DML inside WITH): every table of the database.</summary>
    Unknown,
}

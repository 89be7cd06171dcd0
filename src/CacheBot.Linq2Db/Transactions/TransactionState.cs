namespace CacheBot.Linq2Db.Transactions;

/// <summary>Whether the database session of a tracking connection is inside a transaction, as far as CacheBot knows.</summary>
internal enum TransactionState
{
    /// <summary>Autocommit: a write is committed when its statement returns.</summary>
    None = 0,

    /// <summary>A transaction is open (begun through the API or with SQL text): writes wait for the outermost commit.</summary>
    Open,

    /// <summary>
    /// Unknown (a statement that changes the transaction state failed midway, or one CacheBot cannot read): writes are applied
    /// at once and again at the next transaction end, and reads bypass the cache, until the state is known again.
    /// </summary>
    Unknown,
}

using System.Collections.Concurrent;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// Per database: while closed, every read of the database bypasses the cache (on any connection). Closed while a write
/// CacheBot cannot observe the end of is in flight (PostgreSQL's binary COPY: the copy bypasses commands, and its end is
/// only seen at the writing connection's next use), and for good when connection state that changes what names resolve
/// to may leak through a connection pool CacheBot cannot reset.
/// </summary>
/// <remarks>
/// Ordering: a writer bumps the database's stamps before it opens the gate (both interlocked, full fences), so a reader
/// that finds the gate open also sees the bump and cannot store a result read during the write under fresh stamps.
/// Shared by every option set of one database id, whatever the cache.
/// </remarks>
internal sealed class DatabaseGate
{
    private static readonly ConcurrentDictionary<string, DatabaseGate> Gates = new(StringComparer.Ordinal);

    private int _closers;

    public static DatabaseGate For(string databaseId) => Gates.GetOrAdd(databaseId, static _ => new DatabaseGate());

    /// <summary>Gets whether reads of the database must bypass the cache.</summary>
    public bool IsClosed => Volatile.Read(ref _closers) != 0;

    public void Close() => Interlocked.Increment(ref _closers);

    public void Open() => Interlocked.Decrement(ref _closers);
}

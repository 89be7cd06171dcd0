using CacheBot.Linq.Providers.Sql;
using System.Collections.Concurrent;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// The facts learnt since the catalog was last cleared. Replaced as a whole on DDL (never edited back), so a read that
/// started before the DDL can only fill the snapshot it started on.
/// </summary>
internal sealed class CatalogSnapshot
{
    private object? _readerState;

    /// <summary>Gets the facts by <see cref="RelationRef.Key"/>; a null value records that the relation does not exist.</summary>
    public ConcurrentDictionary<string, TableFacts?> Facts { get; } = new(StringComparer.Ordinal);

    /// <summary>Returns database-wide facts a reader loaded once for this snapshot, or null.</summary>
    public T? GetReaderState<T>()
        where T : class => Volatile.Read(ref _readerState) as T;

    /// <summary>Publishes database-wide facts; the first one published wins.</summary>
    public T SetReaderState<T>(T state)
        where T : class => (T)(Interlocked.CompareExchange(ref _readerState, state, null) ?? state);
}

using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq;

/// <summary>
/// Defers the writes reported through <see cref="QueryCache"/>'s Notify/Invalidate methods until <see cref="Complete"/>,
/// like a transaction: call <see cref="Complete"/> after your own commit; disposing without it drops the writes (rollback).
/// While a scope is open, cached queries on the same async flow bypass the cache (they could see uncommitted data).
/// </summary>
/// <remarks>
/// Nested scopes hand their writes to the enclosing scope when they end, completed or not (invalidating more is always
/// safe); only the outermost scope decides. Documentation: docs/invalidation.md.
/// </remarks>
public sealed class CacheWriteScope : IDisposable
{
    private readonly QueryCache _cache;
    private readonly List<WriteRecord> _writes = [];
    private bool _completed;
    private bool _disposed;

    internal CacheWriteScope(QueryCache cache, CacheWriteScope? parent)
    {
        _cache = cache;
        Parent = parent;
    }

    internal CacheWriteScope? Parent { get; }

    /// <summary>Marks the scope as committed: its writes are applied when it is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The scope was already disposed.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _completed = true;
    }

    /// <summary>Applies (completed) or drops (not completed) the recorded writes and ends the scope.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _cache.EndScope(this, _writes, _completed);
    }

    internal void Add(in WriteRecord write)
    {
        lock (_writes)
        {
            _writes.Add(write);
        }
    }

    internal void AddRange(List<WriteRecord> writes)
    {
        lock (_writes)
        {
            _writes.AddRange(writes);
        }
    }
}

using System.Collections.Concurrent;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Coordination;

/// <summary>A shared result store in memory, standing in for Redis: results keyed by their portable key.</summary>
public sealed class InMemorySharedStore : ISharedResultStore
{
    private readonly ConcurrentDictionary<UInt128, SharedResult> _results = new();

    public int Found { get; private set; }

    public int Stored => _results.Count;

    public ValueTask<SharedResult?> TryGetAsync(UInt128 key, Type resultType, bool async, CancellationToken cancellationToken)
    {
        var found = _results.TryGetValue(key, out var result) ? result : null;
        Found += found is null ? 0 : 1;
        return new(found);
    }

    public ValueTask StoreAsync(UInt128 key, Type resultType, SharedResult result, TimeSpan timeToLive, bool async, CancellationToken cancellationToken)
    {
        _results[key] = result;
        return ValueTask.CompletedTask;
    }
}

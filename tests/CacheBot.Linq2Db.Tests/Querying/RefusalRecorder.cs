using CacheBot.Linq;
using Microsoft.Extensions.Logging;

namespace CacheBot.Linq2Db.Tests.Querying;

/// <summary>
/// An <see cref="ILoggerFactory"/> that records CacheBot's "query not cached" events (id
/// <see cref="CacheBotEventId.QueryNotCacheable"/>): the refusal reason and detail of the last bypass.
/// </summary>
public sealed class RefusalRecorder : ILoggerFactory, ILogger
{
    private readonly Lock _lock = new();
    private readonly List<(string Reason, string Detail)> _refusals = [];

    public IReadOnlyList<(string Reason, string Detail)> Refusals
    {
        get
        {
            lock (_lock)
            {
                return [.. _refusals];
            }
        }
    }

    /// <summary>Gets the reason and detail of the last refusal, or <see langword="null"/>.</summary>
    public (string Reason, string Detail)? Last
    {
        get
        {
            lock (_lock)
            {
                return _refusals.Count == 0 ? null : _refusals[^1];
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _refusals.Clear();
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != CacheBotEventId.QueryNotCacheable || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        string? reason = null, detail = null;
        foreach (var pair in values)
        {
            if (pair.Key == "Reason")
            {
                reason = pair.Value?.ToString();
            }
            else if (pair.Key == "Detail")
            {
                detail = pair.Value?.ToString();
            }
        }

        lock (_lock)
        {
            _refusals.Add((reason ?? "?", detail ?? string.Empty));
        }
    }
}

namespace CacheBot.Linq.Providers;

/// <summary>
/// Values a context adds to every key it computes: <see cref="KeyValueReader"/>s applied to one root object (for example
/// the data context whose members a provider's query filter reads). See <see cref="CacheBotQueryContext.KeyValues"/>.
/// </summary>
/// <param name="readers">The readers, built once (per model).</param>
/// <param name="root">The object the readers read from (per context), or <see langword="null"/>.</param>
public readonly struct KeyValues(IReadOnlyList<KeyValueReader> readers, object? root)
{
    /// <summary>Gets the readers.</summary>
    public IReadOnlyList<KeyValueReader> Readers { get; } = readers ?? [];

    /// <summary>Gets the root object.</summary>
    public object? Root { get; } = root;
}

namespace CacheBot.Linq;

/// <summary>
/// Per-entity CacheBot settings, like django-cachebot's <c>CacheBotManager(cache_get=False)</c>.
/// </summary>
/// <example><code>[CacheBotEntity(CacheGet = false)] public sealed class AuditRecord { ... }</code></example>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CacheBotEntityAttribute : Attribute
{
    /// <summary>Gets or sets whether "get" queries on this entity are cached by default. Default <see langword="true"/>.</summary>
    public bool CacheGet { get; set; } = true;
}

namespace CacheBot.Linq.Invalidation;

/// <summary>A dependency key and the stamp it had before the cached query ran (one array of these per entry).</summary>
internal readonly record struct DependencyStamp(ulong Key, long Stamp);

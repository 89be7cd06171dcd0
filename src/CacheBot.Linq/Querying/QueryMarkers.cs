using System.Reflection;

namespace CacheBot.Linq.Querying;

/// <summary>
/// Recognises the CacheBot marker calls in an expression tree. Every public <c>Cache(...)</c> overload
/// becomes one <c>CacheMarker(source, paths, ttlTicks, shared)</c> call with scalar arguments, so the key
/// hasher sees the per-query choices as ordinary constants; <c>NoCache()</c> becomes <c>NoCacheMarker(source)</c>.
/// Markers are stripped before the inner provider sees the tree.
/// </summary>
internal static class QueryMarkers
{
    public const string CacheMarkerName = "CacheMarker";
    public const string NoCacheMarkerName = "NoCacheMarker";

    /// <summary>Returns whether <paramref name="method"/> is the <c>Cache(...)</c> marker.</summary>
    public static bool IsCache(MethodInfo method) =>
        method.DeclaringType == typeof(CacheBotQueryableExtensions) && string.Equals(method.Name, CacheMarkerName, StringComparison.Ordinal);

    /// <summary>Returns whether <paramref name="method"/> is the <c>NoCache()</c> marker.</summary>
    public static bool IsNoCache(MethodInfo method) =>
        method.DeclaringType == typeof(CacheBotQueryableExtensions) && string.Equals(method.Name, NoCacheMarkerName, StringComparison.Ordinal);

    /// <summary>Returns whether <paramref name="method"/> is any CacheBot marker.</summary>
    public static bool IsMarker(MethodInfo method) => IsCache(method) || IsNoCache(method);
}

using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Stable per-object identities: a 64-bit id assigned the first time an object is seen, held weakly so the object can be
/// collected. Allocates only on first sight of an object.
/// </summary>
/// <remarks>Ids are unique for the process lifetime (a 64-bit counter never wraps in practice) and never reused.</remarks>
internal static class ObjectIdentity
{
    private static readonly ConditionalWeakTable<object, StrongBox<long>> Ids = new();
    private static long s_lastId;

    /// <summary>Gets a random number drawn once per process: mixed into portable hashes next to identities (see HashWalk.WriteIdentity).</summary>
    public static ulong ProcessSalt { get; } = (ulong)Random.Shared.NextInt64() ^ ((ulong)Environment.ProcessId << 32);

    public static long Get(object value)
    {
        if (Ids.TryGetValue(value, out var id))
        {
            return id.Value;
        }

        return Ids.GetValue(value, static _ => new StrongBox<long>(Interlocked.Increment(ref s_lastId))).Value;
    }
}

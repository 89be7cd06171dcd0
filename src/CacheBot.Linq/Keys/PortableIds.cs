using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Reflection;
using System.Text;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Process-independent 64-bit identities of types and methods: a hash of the assembly-qualified name and the module
/// version id (so two builds never share an identity), and for methods the metadata token and generic arguments.
/// Computed once per type or method and cached; used by portable hashes only (misses of shared results).
/// </summary>
internal static class PortableIds
{
    private static readonly ConcurrentDictionary<Type, ulong> Types = new();
    private static readonly ConcurrentDictionary<MethodBase, ulong> Methods = new();

    public static ulong Of(Type type) => Types.GetOrAdd(type, static t =>
        XxHash3.HashToUInt64(Encoding.UTF8.GetBytes((t.AssemblyQualifiedName ?? t.FullName ?? t.Name) + "|" + t.Module.ModuleVersionId.ToString("N"))));

    public static ulong Of(MethodBase method) => Methods.GetOrAdd(method, static m =>
    {
        var text = new StringBuilder();
        text.Append(m.DeclaringType is { } declaring ? Of(declaring) : 0UL).Append('|').Append(m.MetadataToken).Append('|').Append(m.Module.ModuleVersionId.ToString("N"));
        if (m.IsGenericMethod)
        {
            foreach (var argument in m.GetGenericArguments())
            {
                text.Append('|').Append(Of(argument));
            }
        }

        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text.ToString()));
    });
}

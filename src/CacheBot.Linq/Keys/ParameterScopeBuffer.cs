using System.Runtime.CompilerServices;

namespace CacheBot.Linq.Keys;

/// <summary>Inline storage for <see cref="ParameterScope"/> (no heap allocation).</summary>
[InlineArray(ParameterScope.Capacity)]
internal struct ParameterScopeBuffer
{
#pragma warning disable IDE0044, IDE0051, CS0169 // The single element field of an inline array is accessed through indexing only.
    private ParameterScopeEntry _element0;
#pragma warning restore IDE0044, IDE0051, CS0169
}

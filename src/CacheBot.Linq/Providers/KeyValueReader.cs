using System.Linq.Expressions;
using CacheBot.Linq.Keys;

namespace CacheBot.Linq.Providers;

/// <summary>
/// A compiled, non-boxing reader of a value a query depends on without showing it in its expression (a data-context
/// member a provider's query filter reads: <c>db.TenantId</c>), for <see cref="CacheBotQueryContext.KeyValues"/>.
/// </summary>
/// <remarks>Build readers once (per model) on a slow path; reading them on the hit path is allocation-free. Thread-safe.</remarks>
public sealed class KeyValueReader
{
    private KeyValueReader(ValueChainReader inner) => Inner = inner;

    internal ValueChainReader Inner { get; }

    /// <summary>Returns whether values of <paramref name="type"/> are keyed by value as scalars (numbers, strings, dates, Guids, enums, their nullable forms).</summary>
    /// <param name="type">The type.</param>
    /// <returns>Whether it is a scalar for keys.</returns>
    public static bool IsScalar(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ScalarValues.IsScalarOrNullable(type);
    }

    /// <summary>Compiles a reader for a member chain (<c>db.Tenant.Id</c>, possibly through conversions).</summary>
    /// <param name="chain">The member chain.</param>
    /// <param name="root">The parameter the chain starts from (its value is <see cref="KeyValues.Root"/>), or <see langword="null"/> for a chain rooted at a constant or static member.</param>
    /// <returns>The reader, or <see langword="null"/> when the expression is not a plain member chain (then do not cache what depends on it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chain"/> is <see langword="null"/>.</exception>
    public static KeyValueReader? TryCreate(Expression chain, ParameterExpression? root) =>
        ValueChainReader.TryCreate(chain, root) is { } inner ? new KeyValueReader(inner) : null;
}

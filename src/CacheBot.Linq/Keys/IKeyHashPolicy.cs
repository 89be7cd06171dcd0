namespace CacheBot.Linq.Keys;

/// <summary>Lets a provider integration tell <see cref="ExpressionHasher"/> how to treat its own objects.</summary>
internal interface IKeyHashPolicy
{
    /// <summary>
    /// Returns <see langword="true"/> when a captured or constant value of this (reference) type is hashed by its type only,
    /// e.g. a linq2db <c>DataConnection</c> captured in a closure, whose identity is already part of the cache key. A closure
    /// chain that reaches such an object (<c>closure.db.Users</c>) stops there: the rest of the chain is hashed as structure.
    /// </summary>
    /// <param name="type">The runtime type of the value.</param>
    /// <returns><see langword="true"/> to hash values of <paramref name="type"/> by their type alone.</returns>
    /// <remarks>Called on the hot path: must be cheap, thread-safe and must not allocate.</remarks>
    bool HashByTypeOnly(Type type);

    /// <summary>
    /// Returns the identity of a provider-specific node (<see cref="System.Linq.Expressions.ExpressionType.Extension"/>) that
    /// its CLR type alone does not tell: EF Core's <c>EntityQueryRootExpression</c> names its entity type in a property.
    /// </summary>
    /// <param name="node">The extension node.</param>
    /// <param name="identity">A process-independent identity of what the node reads.</param>
    /// <returns>Whether the node has such an identity (otherwise only its CLR type is hashed).</returns>
    /// <remarks>Called on the hot path: must be cheap, thread-safe and must not allocate.</remarks>
    bool TryGetExtensionIdentity(System.Linq.Expressions.Expression node, out UInt128 identity);

    /// <summary>
    /// Appends values that change what a query returns without appearing in its expression, e.g. the data-context values a
    /// linq2db query filter reads (<c>(e, db) =&gt; e.TenantId == db.TenantId</c>). Called once per key, after the tree.
    /// </summary>
    /// <param name="walk">The walk to append value bytes to (<see cref="HashWalk.WriteValue{T}(T)"/> and friends).</param>
    /// <remarks>Called on the hot path: must not allocate.</remarks>
    void AppendContextValues(ref HashWalk walk)
    {
    }
}

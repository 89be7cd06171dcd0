using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Providers;

/// <summary>
/// Provider-specific knowledge for the analyser (the core knows only <see cref="Queryable"/>, <see cref="Enumerable"/> and
/// LINQ-to-Objects roots): the provider's table roots, its operators and its SQL functions.
/// </summary>
/// <remarks>
/// Every answer must be sound: a root that cannot be identified, an unknown method or a function that is not known to be
/// translated and deterministic makes the query run uncached, never wrong. Implementations must be thread-safe.
/// Documentation: docs/writing-an-integration.md.
/// </remarks>
public interface IQueryDialect
{
    /// <summary>Recognises a table root node (e.g. linq2db's <c>GetTable&lt;T&gt;()</c>, EF Core's <c>EntityQueryRootExpression</c>).</summary>
    /// <param name="node">A node found where a query's source is expected.</param>
    /// <param name="model">The entity model of the query.</param>
    /// <param name="table">The table when the node is a root of a known table; <see langword="null"/> for a root of an unknown table.</param>
    /// <returns>Whether the node is a table root of this provider (<see langword="false"/>: the core tries its own rules).</returns>
    bool TryGetTableRoot(Expression node, IEntityModel model, out TableModel? table);

    /// <summary>Classifies a method found on the query chain that is neither a <see cref="Queryable"/> nor an <see cref="Enumerable"/> method.</summary>
    /// <param name="method">The method.</param>
    /// <returns>How to treat it; <see cref="ChainMethodKind.Unknown"/> refuses the query.</returns>
    ChainMethodKind ClassifyChainMethod(MethodInfo method);

    /// <summary>Returns whether a call to <paramref name="method"/> inside a query is translated to SQL by the provider and deterministic.</summary>
    /// <param name="method">The method.</param>
    /// <returns>Whether the call may appear in a cached query.</returns>
    bool IsTranslatedDeterministic(MethodInfo method);

    /// <summary>Returns whether <paramref name="member"/> yields a new value on every run (e.g. <c>Sql.CurrentTimestamp</c>).</summary>
    /// <param name="member">The member.</param>
    /// <returns>Whether a query reading it must not be cached.</returns>
    bool IsNonDeterministic(MemberInfo member);

    /// <summary>Returns which sides of a <see cref="ChainMethodKind.Join"/> call may be missing (a missing row reads as a row of nulls).</summary>
    /// <param name="joinCall">The join call.</param>
    /// <returns>The optional sides; the default (both) is always sound.</returns>
    JoinSides ClassifyJoin(MethodCallExpression joinCall) => JoinSides.InnerOptional | JoinSides.OuterOptional;

    /// <summary>
    /// Returns the predicates the provider adds to every read of <paramref name="table"/> (linq2db query filters, EF Core
    /// global query filters): lambdas <c>(row, context) =&gt; bool</c> whose tables the analyser adds as dependencies. The
    /// values they read beyond the row must be in the cache key (the context's key hashing must include them).
    /// </summary>
    /// <param name="table">The table read.</param>
    /// <param name="model">The entity model.</param>
    /// <returns>The filters (empty by default).</returns>
    IReadOnlyList<LambdaExpression> GetQueryFilters(TableModel table, IEntityModel model) => [];

    /// <summary>
    /// Builds the root of the table mapped to <paramref name="entityType"/>, read through the same context (connection,
    /// transaction, mapping) as <paramref name="root"/>, a node this dialect recognised in <see cref="TryGetTableRoot"/>. On a
    /// miss CacheBot may run a small query through it (the join keys of the rows a navigation filter matches) to narrow which
    /// writes invalidate the entry. The default, <see langword="false"/>, keeps the coarser dependencies; it is always sound.
    /// </summary>
    /// <param name="root">A table root of the query being cached.</param>
    /// <param name="entityType">The mapped entity type whose table root to build.</param>
    /// <param name="sibling">The new root, reading <paramref name="entityType"/>'s mapped table.</param>
    /// <returns>Whether a root was built.</returns>
    bool TryCreateSiblingRoot(Expression root, Type entityType, [NotNullWhen(true)] out Expression? sibling)
    {
        sibling = null;
        return false;
    }
}

using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>How the analyser treats a provider-specific method on the query chain.</summary>
internal enum ChainMethodKind
{
    /// <summary>Not known: the query is refused.</summary>
    Unknown = 0,

    /// <summary>Does not change which rows are read (hints, options): argument 0 is the source, other arguments are walked.</summary>
    PassThrough,

    /// <summary>Loads related rows into the result (linq2db <c>LoadWith</c>/<c>ThenLoad</c>): the lambda path's tables become dependencies.</summary>
    LoadWith,
}

/// <summary>
/// Provider-specific knowledge for the analyser (the core knows only <see cref="Queryable"/>, <see cref="Enumerable"/> and
/// LINQ-to-Objects roots). CacheBot.Linq2Db supplies linq2db's table roots, <c>TableName()</c>, <c>LoadWith</c> and
/// <c>Sql.*</c> functions.
/// </summary>
internal interface IQueryDialect
{
    /// <summary>Recognises a table root node (e.g. linq2db's <c>GetTable&lt;T&gt;()</c>, possibly under <c>TableName()</c>).</summary>
    bool TryGetTableRoot(Expression node, IEntityModel model, out TableModel? table);

    /// <summary>Classifies a method found on the query chain that is neither a <see cref="Queryable"/> nor an <see cref="Enumerable"/> method.</summary>
    ChainMethodKind ClassifyChainMethod(MethodInfo method);

    /// <summary>Returns whether a call to <paramref name="method"/> is translated by the provider and deterministic.</summary>
    bool IsTranslatedDeterministic(MethodInfo method);

    /// <summary>Returns whether <paramref name="member"/> yields a new value on every run (e.g. <c>Sql.CurrentTimestamp</c>).</summary>
    bool IsNonDeterministic(MemberInfo member);
}

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

    /// <summary>
    /// A join of argument 0 (outer) and argument 1 (inner) on a two-parameter predicate, with an optional two-parameter result
    /// selector (linq2db <c>InnerJoin</c>, <c>LeftJoin</c>, <c>RightJoin</c>, <c>FullJoin</c>, <c>CrossJoin</c>, <c>Join</c> with a join type).
    /// <see cref="IQueryDialect.ClassifyJoin"/> tells which sides may be missing.
    /// </summary>
    Join,

    /// <summary>A filter of argument 0 by a one-parameter predicate that is not applied to rows (linq2db <c>Having</c>): it narrows nothing.</summary>
    Filter,

    /// <summary>Keeps or drops rows by position (linq2db <c>Take</c>/<c>Skip</c> with hints): later predicates no longer narrow.</summary>
    Positional,

    /// <summary>A set operation of argument 0 and argument 1 (linq2db <c>UnionAll</c>, <c>ExceptAll</c>, <c>IntersectAll</c>).</summary>
    SetOperation,
}

/// <summary>Which sides of a <see cref="ChainMethodKind.Join"/> may be missing (a missing row reads as a row of nulls).</summary>
[Flags]
internal enum JoinSides
{
    /// <summary>An inner or cross join: both rows exist.</summary>
    None = 0,

    /// <summary>The outer (argument 0) row may be missing (right and full joins).</summary>
    OuterOptional = 1,

    /// <summary>The inner (argument 1) row may be missing (left and full joins).</summary>
    InnerOptional = 2,
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

    /// <summary>Returns which sides of a <see cref="ChainMethodKind.Join"/> call may be missing.</summary>
    JoinSides ClassifyJoin(MethodCallExpression call) => JoinSides.InnerOptional | JoinSides.OuterOptional;

    /// <summary>
    /// Returns the predicates the provider adds to every read of <paramref name="table"/> (linq2db query filters): lambdas
    /// <c>(row, dataContext) =&gt; bool</c> whose tables the analyser adds as dependencies. The values they read beyond the row
    /// must be in the cache key (the integration's <see cref="Keys.IKeyHashPolicy"/> appends them).
    /// </summary>
    IReadOnlyList<LambdaExpression> GetQueryFilters(TableModel table, IEntityModel model) => [];
}

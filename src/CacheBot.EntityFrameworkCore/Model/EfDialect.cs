using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// EF Core knowledge for CacheBot's analyser: table roots (<see cref="EntityQueryRootExpression"/>, exactly that type),
/// EF's chain operators (<c>Include</c>/<c>ThenInclude</c> load rows; tracking, tags, query splitting and filter switches
/// pass through) and the <c>EF.*</c>/<c>EF.Functions.*</c> calls that translate to deterministic SQL.
/// </summary>
/// <remarks>
/// Soundness: every other root (<c>FromSql</c>, table-valued functions, <c>SqlQuery</c>, temporal roots, all of which derive
/// from <see cref="QueryRootExpression"/>) is refused; so are entity types the model refuses (<see cref="EfEntityModel.IsRefusedRoot"/>),
/// <c>Include(string)</c> (its path is not an expression CacheBot can follow), <c>EF.Property</c> of a navigation, and any
/// function not listed here (user <c>DbFunction</c>s included).
/// </remarks>
internal sealed class EfDialect : IQueryDialect
{
    public static readonly EfDialect Instance = new();

    private static readonly HashSet<string> PassThroughMethods = new(StringComparer.Ordinal)
    {
        "AsNoTracking", "AsNoTrackingWithIdentityResolution", "AsTracking", "TagWith", "TagWithCallSite", "IgnoreQueryFilters",
        "IgnoreAutoIncludes", "AsSplitQuery", "AsSingleQuery",
    };

    private static readonly HashSet<string> DeterministicFunctions = new(StringComparer.Ordinal)
    {
        "Like", "ILike", "Collate", "Glob", "Hex", "Substr", "Unhex",
    };

    private EfDialect()
    {
    }

    /// <inheritdoc/>
    public bool TryGetTableRoot(Expression node, IEntityModel model, out TableModel? table)
    {
        table = null;
        if (node is not QueryRootExpression root)
        {
            return false;
        }

        // Only the plain entity root names a table; FromSql, functions, SqlQuery and temporal roots derive from it or its base.
        if (root.GetType() == typeof(EntityQueryRootExpression) && model is EfEntityModel ef)
        {
            var entityType = ((EntityQueryRootExpression)root).EntityType;
            table = ef.IsRefusedRoot(entityType) ? null : ef.GetTable(entityType);
        }

        return true;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The new root is an <see cref="EntityQueryRootExpression"/> of <paramref name="entityType"/> on the same query provider,
    /// under <c>IgnoreQueryFilters()</c>: a navigation may read rows a global filter hides (EF does not filter every required
    /// navigation), so the keys read through it must be a superset, never fewer.
    /// </remarks>
    public bool TryCreateSiblingRoot(Expression root, Type entityType, [NotNullWhen(true)] out Expression? sibling)
    {
        sibling = null;
        if (root is not EntityQueryRootExpression entityRoot || root.GetType() != typeof(EntityQueryRootExpression)
            || entityRoot.EntityType.Model.FindEntityType(entityType) is not { } target || target.HasSharedClrType || target.IsOwned())
        {
            return false;
        }

        Expression created = entityRoot.QueryProvider is { } provider ? new EntityQueryRootExpression(provider, target) : new EntityQueryRootExpression(target);
        sibling = Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters), [entityType], created);
        return true;
    }

    /// <inheritdoc/>
    public ChainMethodKind ClassifyChainMethod(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var type = method.DeclaringType;
        if (type != typeof(EntityFrameworkQueryableExtensions) && type != typeof(RelationalQueryableExtensions))
        {
            return ChainMethodKind.Unknown;
        }

        if (method.Name is "Include" or "ThenInclude")
        {
            // Include(string) names its path in text: the tables it loads are not visible to the analyser.
            return method.GetParameters() is [_, { ParameterType.IsGenericType: true }] ? ChainMethodKind.LoadWith : ChainMethodKind.Unknown;
        }

        return PassThroughMethods.Contains(method.Name) ? ChainMethodKind.PassThrough : ChainMethodKind.Unknown;
    }

    /// <inheritdoc/>
    public bool IsTranslatedDeterministic(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var type = method.DeclaringType;
        if (type == typeof(EF))
        {
            // EF.Property<T>(e, "Name") reads a column of the row, unless it names a navigation (another table).
            return method.Name switch
            {
                "Property" => !ReadsRows(method.ReturnType),
                "Constant" or "Parameter" => true,
                _ => false,
            };
        }

        return type is not null && type.Name.EndsWith("DbFunctionsExtensions", StringComparison.Ordinal)
            && type.Namespace == typeof(DbFunctionsExtensions).Namespace && DeterministicFunctions.Contains(method.Name);
    }

    /// <inheritdoc/>
    public bool IsNonDeterministic(MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.DeclaringType is { } type && type.Name.EndsWith("DbFunctionsExtensions", StringComparison.Ordinal)
            && member.Name is "Random" or "NewGuid" or "Now" or "UtcNow";
    }

    private static bool ReadsRows(Type type) =>
        type != typeof(string) && type != typeof(byte[]) && (typeof(IEnumerable).IsAssignableFrom(type) || EntityTypes.IsCandidate(type));
}

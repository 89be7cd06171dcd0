using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Model;
using LinqToDB;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// linq2db knowledge for CacheBot's analyser: table roots (<c>GetTable&lt;T&gt;()</c> under <c>TableName()</c>,
/// <c>SchemaName()</c>, ...), chain methods (<c>LoadWith</c>, hints), and which <c>Sql.*</c> functions are deterministic.
/// </summary>
/// <remarks>
/// Soundness: anything not recognised here is refused by the analyser (the query runs uncached). Table names that are not
/// constants, temporary tables, table-valued functions and raw SQL fragments are refused; user methods mapped with
/// <c>[Sql.Expression]</c>/<c>[Sql.Function]</c> are accepted only when their SQL text names no query and no
/// non-deterministic function; <c>[ExpressionMethod]</c> methods are refused (their body can read other tables).
/// </remarks>
internal sealed class Linq2DbDialect : IQueryDialect
{
    public static readonly Linq2DbDialect Instance = new();

    private static readonly Assembly Linq2DbAssembly = typeof(DataExtensions).Assembly;

    private static readonly FrozenSet<string> PassThroughMethods = new[]
    {
        "With", "WithTableExpression", "TableHint", "TablesInScopeHint", "IndexHint", "JoinHint", "QueryHint", "SubQueryHint",
        "TableHint2012Plus", "TablesInScopeHint2012Plus", "AsCte", "InlineParameters", "DisableGuard", "IgnoreFilters",
        "HasUniqueKey", "TagQuery", "QueryName", "AsSubQuery", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending",
        "ThenOrBy", "ThenOrByDescending", "RemoveOrderBy", "WithKeyedLoadStrategy", "WithSeparateLoadStrategy", "WithUnionLoadStrategy",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> JoinMethods = new[] { "InnerJoin", "LeftJoin", "RightJoin", "FullJoin", "CrossJoin", "Join" }
        .ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> NonDeterministicSqlMembers = new[]
    {
        "CurrentTimestamp", "CurrentTimestamp2", "CurrentTimestampUtc", "CurrentTzTimestamp", "GetDate", "NewGuid", "NewGuid7",
        "DateFirst", "Random",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> NonDeterministicProviderMembers = new[]
    {
        // SQL Server SqlFn
        "GetDate", "GetUtcDate", "SysDatetime", "SysDatetimeOffset", "SysUtcDatetime", "Random", "CurrentTimezone",
        "CurrentTimezoneID", "CurrentRequestID", "CurrentTransactionID", "HostName", "AppName", "ScopeIdentity",
        "IdentityCurrent", "CurrentTimestamp", "DateFirst", "Identity", "NewID", "NewSequentialID",
        // PostgreSQL session functions
        "CurrentCatalog", "CurrentDatabase", "CurrentRole", "CurrentSchema", "CurrentSchemas", "CurrentUser", "SessionUser",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> OpaqueSqlMembers = new[] { "Expr", "Ext", "FromSql", "FromSqlScalar" }.ToFrozenSet(StringComparer.Ordinal);

    // Words that make a mapped SQL fragment unsafe to cache: a subquery (hidden tables) or a value that changes between runs.
    private static readonly string[] UnsafeSqlWords =
    [
        "SELECT", "FROM", "NOW", "RAND", "NEWID", "NEWSEQUENTIALID", "CURRENT_", "GETDATE", "GETUTCDATE", "SYSDATE", "SYSUTC",
        "SYSDATETIME", "UUID", "GEN_RANDOM", "CLOCK_TIMESTAMP", "STATEMENT_TIMESTAMP", "TRANSACTION_TIMESTAMP", "TIMEOFDAY",
        "LOCALTIME", "CURDATE", "CURTIME", "UTC_", "NEXTVAL", "CURRVAL", "SETVAL", "LASTVAL", "@@", "SESSION", "USER",
        "DATETIME('NOW'", "JULIANDAY('NOW'", "LAST_INSERT", "CHANGES",
    ];

    private Linq2DbDialect()
    {
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only for a plain <c>GetTable&lt;T&gt;()</c> root (no name overrides): the new root is <c>GetTable&lt;U&gt;()</c> on the
    /// same context node, so it runs on the same connection and transaction.
    /// </remarks>
    public bool TryCreateSiblingRoot(Expression root, Type entityType, [NotNullWhen(true)] out Expression? sibling)
    {
        sibling = root is MethodCallExpression { Method: { Name: nameof(DataExtensions.GetTable), IsGenericMethod: true } method, Arguments: [var context] }
            && method.DeclaringType == typeof(DataExtensions) && EntityTypes.IsCandidate(entityType)
            ? Expression.Call(method.GetGenericMethodDefinition().MakeGenericMethod(entityType), context)
            : null;
        return sibling is not null;
    }

    /// <inheritdoc/>
    public bool TryGetTableRoot(Expression node, IEntityModel model, out TableModel? table)
    {
        table = null;
        if (node is not MethodCallExpression call)
        {
            return false;
        }

        string? name = null, schema = null, database = null, server = null;
        var refused = false;
        while (true)
        {
            var method = call.Method;
            var type = method.DeclaringType;
            if (type == typeof(DataExtensions) && method.Name == nameof(DataExtensions.GetTable) && method.IsGenericMethod)
            {
                if (call.Arguments.Count != 1 || refused)
                {
                    return true; // a table-valued function, or a table whose name is not a constant: refuse.
                }

                var entityType = method.GetGenericArguments()[0];
                if (name is null && schema is null && database is null && server is null)
                {
                    table = model.GetTable(entityType);
                    return true;
                }

                // Overridden names: the mapped table need not exist (an entity mapped once, read from several tables or views).
                string? mappedSchema;
                string mappedName;
                if (model is Linq2DbEntityModel linq2db)
                {
                    if (!EntityTypes.IsCandidate(entityType))
                    {
                        return true;
                    }

                    var descriptor = linq2db.GetDescriptor(entityType);
                    (mappedSchema, mappedName) = (descriptor.SchemaName, descriptor.TableName);
                }
                else if (model.GetTable(entityType) is { } baseTable)
                {
                    (mappedSchema, mappedName) = (baseTable.Schema, baseTable.Name);
                }
                else
                {
                    return true;
                }

                var finalSchema = schema ?? mappedSchema;
                if (database is not null || server is not null)
                {
                    finalSchema = (server is null ? string.Empty : server + ".") + (database ?? string.Empty) + "." + finalSchema;
                }

                table = model.GetTable(entityType, finalSchema, name ?? mappedName);
                return true;
            }

            if ((type != typeof(LinqExtensions) && type != typeof(TableExtensions)) || call.Arguments.Count == 0
                || call.Arguments[0] is not MethodCallExpression inner)
            {
                return false;
            }

            switch (method.Name)
            {
                case "TableName":
                    refused |= !TryReadString(call, ref name);
                    break;
                case "SchemaName":
                    refused |= !TryReadString(call, ref schema);
                    break;
                case "DatabaseName":
                    refused |= !TryReadString(call, ref database);
                    break;
                case "ServerName":
                    refused |= !TryReadString(call, ref server);
                    break;
                case "TableID":
                    break;
                case "TableOptions":
                    // A temporary table is per session and may shadow the mapped one: never cache it.
                    refused |= call.Arguments.Count < 2 || call.Arguments[1] is not ConstantExpression { Value: TableOptions options }
                        || (options & TableOptions.IsTemporaryOptionSet) != 0;
                    break;
                case "IsTemporary":
                    refused |= call.Arguments.Count >= 2 && call.Arguments[1] is not ConstantExpression { Value: false };
                    break;
                default:
                    return false;
            }

            call = inner;
        }
    }

    /// <inheritdoc/>
    public ChainMethodKind ClassifyChainMethod(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.DeclaringType != typeof(LinqExtensions))
        {
            return ChainMethodKind.Unknown;
        }

        switch (method.Name)
        {
            case "LoadWith" or "ThenLoad" or "LoadWithAsTable":
                return ChainMethodKind.LoadWith;
            case "Having":
                return ChainMethodKind.Filter;
            case "Take" or "Skip":
                return ChainMethodKind.Positional;
            case "UnionAll" or "ExceptAll" or "IntersectAll":
                return ChainMethodKind.SetOperation;
        }

        if (JoinMethods.Contains(method.Name))
        {
            return ChainMethodKind.Join;
        }

        return PassThroughMethods.Contains(method.Name) ? ChainMethodKind.PassThrough : ChainMethodKind.Unknown;
    }

    /// <inheritdoc/>
    public JoinSides ClassifyJoin(MethodCallExpression call)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method.Name)
        {
            case "InnerJoin" or "CrossJoin":
                return JoinSides.None;
            case "LeftJoin":
                return JoinSides.InnerOptional;
            case "RightJoin":
                return JoinSides.OuterOptional;
            case "FullJoin":
                return JoinSides.InnerOptional | JoinSides.OuterOptional;
        }

        // Join(..., SqlJoinType, ...): the join type is a constant argument; anything else is treated as a full join (sound).
        foreach (var argument in call.Arguments)
        {
            if (argument is ConstantExpression { Value: SqlJoinType type })
            {
                return type switch
                {
                    SqlJoinType.Inner => JoinSides.None,
                    SqlJoinType.Left => JoinSides.InnerOptional,
                    SqlJoinType.Right => JoinSides.OuterOptional,
                    _ => JoinSides.InnerOptional | JoinSides.OuterOptional,
                };
            }
        }

        return JoinSides.InnerOptional | JoinSides.OuterOptional;
    }

    /// <inheritdoc/>
    public IReadOnlyList<LambdaExpression> GetQueryFilters(TableModel table, IEntityModel model)
    {
        ArgumentNullException.ThrowIfNull(table);
        return model is Linq2DbEntityModel linq2db && QueryFilterCatalog.Find(linq2db) is { } catalog ? catalog.GetFilters(table.EntityType) : [];
    }

    /// <inheritdoc/>
    public bool IsTranslatedDeterministic(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (IsNonDeterministic(method) || method.IsDefined(typeof(ExpressionMethodAttribute), inherit: true))
        {
            return false;
        }

        var type = method.DeclaringType;
        if (type == typeof(Sql))
        {
            return !OpaqueSqlMembers.Contains(method.Name);
        }

        var attribute = method.GetCustomAttribute<Sql.ExpressionAttribute>(inherit: true);
        if (attribute is null || attribute is Sql.ExtensionAttribute)
        {
            return false;
        }

        if (type?.Assembly == Linq2DbAssembly)
        {
            return true; // linq2db's own mapped functions; the non-deterministic ones are denied above.
        }

        return IsSafeSqlText(attribute.Expression);
    }

    /// <inheritdoc/>
    public bool IsNonDeterministic(MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var type = member.DeclaringType;
        if (type is null || type.Assembly != Linq2DbAssembly)
        {
            return false;
        }

        var name = member.Name.StartsWith("get_", StringComparison.Ordinal) ? member.Name[4..] : member.Name;
        if (type == typeof(Sql))
        {
            return NonDeterministicSqlMembers.Contains(name);
        }

        return type.Namespace?.StartsWith("LinqToDB.DataProvider", StringComparison.Ordinal) == true && NonDeterministicProviderMembers.Contains(name);
    }

    private static bool TryReadString(MethodCallExpression call, ref string? value)
    {
        if (call.Arguments.Count < 2 || call.Arguments[1] is not ConstantExpression { Value: string text })
        {
            return false;
        }

        value ??= text; // the outermost call wins, as in linq2db
        return true;
    }

    private static bool IsSafeSqlText(string? sql)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return false;
        }

        foreach (var word in UnsafeSqlWords)
        {
            if (sql.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Which columns of each table a query reads: the read mask that lets an update of other columns leave its entries alone
/// (column-aware invalidation, docs/invalidation.md). Runs on misses only, next to <see cref="QueryAnalyzer"/>.
/// </summary>
/// <remarks>
/// <para>A row is read column by column only where the query uses it as <c>row.Column</c> (or follows a navigation, which
/// reads the keys of both ends and the columns its <see cref="AssociationModel.Condition"/> reads). Every other use of a row, or of a value holding rows, reads all its columns: the row in
/// the result (materialized whole), compared or passed to a method (<c>Contains(row)</c>, <c>Distinct</c>, <c>row ==
/// other</c>, <c>EF.Property(row, ...)</c>), a key selector returning it, a cast, a conditional. Rows may travel through
/// anonymous objects (transparent identifiers), sequences and groupings only into the operators of
/// <see cref="IsTransparent"/>, whose semantics never compare whole rows.</para>
/// <para>A table is masked only when its integration opted in (<see cref="TableModel.ImplicitlyReadColumns"/> is set), it
/// has no companion tables and no provider query filter; otherwise, and for a row seen through a base type or interface,
/// every column counts as read. Unsure means all columns: sound, never narrower.</para>
/// </remarks>
internal sealed class ColumnUsage : ExpressionVisitor
{
    private static readonly HashSet<string> TransparentOperators = new(StringComparer.Ordinal)
    {
        "Where", "Select", "SelectMany", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Take", "Skip",
        "TakeWhile", "SkipWhile", "Count", "LongCount", "Any", "All", "First", "FirstOrDefault", "Single", "SingleOrDefault",
        "Last", "LastOrDefault", "ElementAt", "ElementAtOrDefault", "Sum", "Min", "Max", "Average", "GroupBy", "Join",
        "GroupJoin", "AsQueryable", "AsEnumerable", "ToList", "ToArray", "Concat", "Reverse",
    };

    private readonly Dictionary<Type, List<TableModel>> _tablesByType = [];
    private readonly Dictionary<TableModel, ulong> _masks = [];
    private readonly Dictionary<Type, List<TableModel>?> _contained = [];
    private readonly List<Expression> _parents = [];
    private readonly HashSet<(LambdaExpression Condition, TableModel Owner)> _conditionsRead = [];
    private readonly IQueryDialect? _dialect;

    private ColumnUsage(IReadOnlyList<TableModel> tables, IQueryDialect? dialect, IEntityModel model)
    {
        _dialect = dialect;
        foreach (var table in tables)
        {
            if (!_tablesByType.TryGetValue(table.EntityType, out var list))
            {
                _tablesByType[table.EntityType] = list = [];
            }

            list.Add(table);
            var maskable = table.ImplicitlyReadColumns is not null && table.CompanionTables.Count == 0
                && (dialect is null || dialect.GetQueryFilters(table, model).Count == 0);
            _masks[table] = maskable ? ColumnMask.Of(table.ImplicitlyReadColumns!) : ColumnMask.All;
        }
    }

    /// <summary>Returns the read mask of each of <paramref name="tables"/> in <paramref name="expression"/>.</summary>
    public static IReadOnlyDictionary<TableModel, ulong> Compute(Expression expression, IReadOnlyList<TableModel> tables, IQueryDialect? dialect, IEntityModel model)
    {
        var usage = new ColumnUsage(tables, dialect, model);
        usage.Visit(expression);
        return usage._masks;
    }

    public override Expression? Visit(Expression? node)
    {
        if (node is null)
        {
            return null;
        }

        Classify(node);
        _parents.Add(node);
        try
        {
            return base.Visit(node);
        }
        finally
        {
            _parents.RemoveAt(_parents.Count - 1);
        }
    }

    protected override Expression VisitLambda<T>(Expression<T> node)
    {
        // The parameters are declarations, not uses: only the body is walked.
        Visit(node.Body);
        return node;
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (QueryMarkers.IsMarker(node.Method))
        {
            // Cache(p => p.User) and the like choose invalidation paths; their lambdas are not part of the query.
            if (node.Arguments.Count > 0)
            {
                Visit(node.Arguments[0]);
            }

            return node;
        }

        return base.VisitMethodCall(node);
    }

    private Expression? Parent(int up = 1) => _parents.Count >= up ? _parents[^up] : null;

    private void Classify(Expression node)
    {
        if (node is LambdaExpression or UnaryExpression { NodeType: ExpressionType.Quote })
        {
            // A function is not a value holding rows (its type names them): the uses of its parameters are what count.
            return;
        }

        var parent = Parent();
        if (node is ParameterExpression && IsSupertypeOfEntity(node.Type))
        {
            // A row seen through a base type or an interface: which table it belongs to is not known here.
            ReadAll(_masks.Keys.Where(t => node.Type.IsAssignableFrom(t.EntityType)).ToList());
            return;
        }

        if (_tablesByType.TryGetValue(node.Type, out var tables))
        {
            switch (parent)
            {
                case MemberExpression member when ReferenceEquals(member.Expression, node):
                    foreach (var table in tables)
                    {
                        ReadMember(table, member.Member);
                    }

                    return;
                case LambdaExpression lambda when ReferenceEquals(lambda.Body, node) && BodyFlowsIntoResult(lambda):
                case NewExpression created when IsAnonymous(created.Type):
                    return;
                default:
                    ReadAll(tables);
                    return;
            }
        }

        if (Contained(node.Type) is not { } contained)
        {
            return;
        }

        switch (parent)
        {
            case MemberExpression member when ReferenceEquals(member.Expression, node):
            case MethodCallExpression call when IsTransparent(call, node):
            case LambdaExpression lambda when ReferenceEquals(lambda.Body, node) && BodyFlowsIntoResult(lambda):
            case NewExpression created when IsAnonymous(created.Type):
                return;
            default:
                ReadAll(contained);
                return;
        }
    }

    private void ReadMember(TableModel table, MemberInfo member)
    {
        if (table.FindColumn(member) is { } column)
        {
            _masks[table] |= ColumnMask.Bit(column);
            return;
        }

        var association = table.FindAssociation(member);
        if (association is null || association.ThisKeys.Count == 0)
        {
            // An unmapped member (a calculated property, a complex type) or an association by expression: reads anything.
            _masks[table] = ColumnMask.All;
            foreach (var target in TablesOf(association?.TargetType))
            {
                _masks[target] = ColumnMask.All;
            }

            return;
        }

        ReadKeys(table, association.ThisKeys);
        var targets = TablesOf(association.TargetType);
        foreach (var target in targets)
        {
            ReadKeys(target, association.OtherKeys);
        }

        if (association.Condition is { } condition && _conditionsRead.Add((condition, table)))
        {
            // Once per condition and owner: one that follows its own navigation would otherwise never end.
            ReadCondition(condition, [table], targets);
        }
    }

    /// <summary>The columns a navigation's extra condition reads, of the owner (its first parameter) and the target (its second).</summary>
    private void ReadCondition(LambdaExpression condition, List<TableModel> owners, List<TableModel> targets)
    {
        if (condition.Parameters.Count != 2)
        {
            ReadAll([.. owners, .. targets]);
            return;
        }

        new ConditionReads(this, condition.Parameters[0], owners, condition.Parameters[1], targets).Visit(condition.Body);
    }

    private void ReadKeys(TableModel table, IReadOnlyList<MemberInfo> keys)
    {
        foreach (var key in keys)
        {
            _masks[table] = table.FindColumn(key) is { } column ? _masks[table] | ColumnMask.Bit(column) : ColumnMask.All;
        }
    }

    private List<TableModel> TablesOf(Type? type)
    {
        if (type is null)
        {
            return [];
        }

        var element = type.IsGenericType && type.GetGenericArguments() is [var single] ? single : type.IsArray ? type.GetElementType()! : type;
        return _tablesByType.TryGetValue(type, out var exact) ? exact : _tablesByType.GetValueOrDefault(element) ?? [];
    }

    /// <summary>
    /// Every column of <paramref name="tables"/> is read, and of every table their navigations reach: a row used whole may be
    /// materialized with its related rows (an object graph, an automatic include).
    /// </summary>
    private void ReadAll(List<TableModel> tables)
    {
        var pending = new Stack<TableModel>(tables);
        var seen = new HashSet<TableModel>();
        while (pending.TryPop(out var table))
        {
            if (!seen.Add(table))
            {
                continue;
            }

            _masks[table] = ColumnMask.All;
            foreach (var association in table.Associations)
            {
                foreach (var target in TablesOf(association.TargetType))
                {
                    pending.Push(target);
                }
            }
        }
    }

    /// <summary>Whether a lambda whose body is (or holds) rows hands them on as the operator's elements rather than comparing them.</summary>
    private bool BodyFlowsIntoResult(LambdaExpression lambda)
    {
        var owner = Parent(2) is UnaryExpression { NodeType: ExpressionType.Quote } ? Parent(3) : Parent(2);
        if (owner is not MethodCallExpression call || !IsLinqOperator(call.Method))
        {
            return false;
        }

        var index = -1;
        for (var i = 0; i < call.Arguments.Count; i++)
        {
            var argument = call.Arguments[i] is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : call.Arguments[i];
            if (ReferenceEquals(argument, lambda))
            {
                index = i;
            }
        }

        return call.Method.Name switch
        {
            "Select" or "SelectMany" => index >= 1,
            "Join" or "GroupJoin" => index == 4,
            "GroupBy" => index >= 2,
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="call"/> only passes the rows <paramref name="argument"/> holds on (never compares them whole).</summary>
    private bool IsTransparent(MethodCallExpression call, Expression argument)
    {
        if (ReferenceEquals(call.Object, argument))
        {
            return false;
        }

        if (QueryMarkers.IsMarker(call.Method))
        {
            return call.Arguments.Count > 0 && ReferenceEquals(call.Arguments[0], argument);
        }

        if (IsLinqOperator(call.Method))
        {
            var name = call.Method.Name;
            if (!TransparentOperators.Contains(name))
            {
                return false;
            }

            // Min/Max/Sum/Average of the rows themselves compare (or add) whole rows; with a selector they read its columns.
            return name is not ("Min" or "Max" or "Sum" or "Average") || call.Arguments.Count > 1 || !ReferenceEquals(call.Arguments[0], argument);
        }

        return _dialect is not null && call.Arguments.Count > 0 && ReferenceEquals(call.Arguments[0], argument)
            && _dialect.ClassifyChainMethod(call.Method) == ChainMethodKind.PassThrough;
    }

    private static bool IsLinqOperator(MethodInfo method) => method.DeclaringType == typeof(Queryable) || method.DeclaringType == typeof(Enumerable);

    private bool IsSupertypeOfEntity(Type type)
    {
        foreach (var entity in _tablesByType.Keys)
        {
            if (type != entity && type.IsAssignableFrom(entity))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tables whose rows a value of <paramref name="type"/> may hold (sequences, groupings, anonymous objects), or null.</summary>
    private List<TableModel>? Contained(Type type)
    {
        if (_contained.TryGetValue(type, out var known))
        {
            return known;
        }

        _contained[type] = null; // a cycle holds nothing new
        var found = new List<TableModel>();
        if (_tablesByType.TryGetValue(type, out var tables))
        {
            found.AddRange(tables);
        }
        else if (type.IsArray)
        {
            found.AddRange(Contained(type.GetElementType()!) ?? []);
        }
        else
        {
            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    found.AddRange(Contained(argument) ?? []);
                }
            }

            if (IsAnonymous(type))
            {
                foreach (var property in type.GetProperties())
                {
                    found.AddRange(Contained(property.PropertyType) ?? []);
                }
            }
        }

        var result = found.Count == 0 ? null : found.Distinct().ToList();
        _contained[type] = result;
        return result;
    }

    private static bool IsAnonymous(Type type) =>
        type.IsGenericType && type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);

    /// <summary>Walks a navigation's condition: a parameter used as <c>row.Member</c> reads that member, used otherwise reads all.</summary>
    private sealed class ConditionReads(ColumnUsage usage, ParameterExpression owner, List<TableModel> owners, ParameterExpression target, List<TableModel> targets) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is ParameterExpression row && TablesOf(row) is { } tables)
            {
                foreach (var table in tables)
                {
                    usage.ReadMember(table, node.Member);
                }

                return node;
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (TablesOf(node) is { } tables)
            {
                usage.ReadAll(tables);
            }

            return node;
        }

        private List<TableModel>? TablesOf(ParameterExpression row) => row == owner ? owners : row == target ? targets : null;
    }
}

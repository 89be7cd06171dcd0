using System.Collections;
using System.Linq.Expressions;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Recognizes existence tests whose answer is monotone in the rows of their one table: <c>Queryable.Any</c> over a chain of
/// <c>Where</c> calls on the table itself, every predicate reading only the row's own columns (and captured values). Such a
/// <see langword="true"/> answer can only turn false when a matching row leaves (an old image), a <see langword="false"/>
/// one only when a matching row arrives (a new image), so the entry depends on one direction of writes
/// (<see cref="Invalidation.SchemeDirection"/>).
/// </summary>
/// <remarks>
/// Anything else is not monotone, or not provably so: another table, a subquery or navigation (a row arriving elsewhere can
/// make a row stop matching), <c>Take</c>/<c>Skip</c>/<c>Distinct</c>/projections before the test, a client method whose
/// purity is not known. Those keep the ordinary dependencies on both images.
/// </remarks>
internal static class MonotoneExistence
{
    public static bool Applies(Expression expression, QueryAnalysis analysis, IEntityModel model, IQueryDialect? dialect)
    {
        if (analysis.Tables.Count != 1
            || expression is not MethodCallExpression { Method.Name: nameof(Queryable.Any) } any
            || any.Method.DeclaringType != typeof(Queryable)
            || (any.Arguments.Count == 2 && !IsRowLocal(any.Arguments[1])))
        {
            return false;
        }

        return IsFilteredTable(any.Arguments[0], model, dialect);
    }

    /// <summary>
    /// Whether <paramref name="expression"/> is a get that finds at most one row: <c>First</c>/<c>FirstOrDefault</c>/
    /// <c>Single</c>/<c>SingleOrDefault</c> over <c>Where</c> calls on the table itself with row-local predicates, whose one
    /// dependency tuple pins every column of the table's <see cref="Providers.TableModel.EnforcedUniqueKey"/> to a non-null value. Such
    /// a result is monotone too: a found row changes only by its own old image, a missing one appears only by an arrival.
    /// </summary>
    public static bool IsUniqueLookup(Expression expression, QueryAnalysis analysis, IEntityModel model, IQueryDialect? dialect)
    {
        if (analysis.Tables.Count != 1 || analysis.Tables[0].EnforcedUniqueKey is not { Count: > 0 } unique
            || expression is not MethodCallExpression
            {
                Method.Name: nameof(Queryable.First) or nameof(Queryable.FirstOrDefault) or nameof(Queryable.Single) or nameof(Queryable.SingleOrDefault),
            } get
            || get.Method.DeclaringType != typeof(Queryable) || get.Type.IsValueType
            || (get.Arguments.Count == 2 && !IsRowLocal(get.Arguments[1])) || get.Arguments.Count > 2
            || analysis.Groups is not [{ Tuples: [var tuple] } group])
        {
            return false;
        }

        foreach (var column in unique)
        {
            var at = Array.IndexOf(group.Columns, column);
            if (at < 0 || tuple[at] is null)
            {
                return false;
            }
        }

        return IsFilteredTable(get.Arguments[0], model, dialect);
    }

    /// <summary>The table itself behind <c>Where</c> calls whose predicates read only the row's own columns and captured values.</summary>
    private static bool IsFilteredTable(Expression source, IEntityModel model, IQueryDialect? dialect)
    {
        while (source is MethodCallExpression call && call.Method.DeclaringType == typeof(Queryable))
        {
            if (call.Method.Name != nameof(Queryable.Where) || !IsRowLocal(call.Arguments[1]))
            {
                return false;
            }

            source = call.Arguments[0];
        }

        return IsTableRoot(source, model, dialect);
    }

    /// <summary>
    /// A table itself: a constant queryable, a provider's <c>GetTable</c> call that holds no query or lambda, or a provider's
    /// own root node (EF Core's entity query root) that the dialect names as a table.
    /// </summary>
    internal static bool IsTableRoot(Expression root, IEntityModel model, IQueryDialect? dialect) => root switch
    {
        ConstantExpression { Value: IQueryable } => true,
        MethodCallExpression { Method.Name: "GetTable" } call => call.Arguments.All(IsContext) && (call.Object is null || IsContext(call.Object)),
        { NodeType: ExpressionType.Extension } when dialect is not null => dialect.TryGetTableRoot(root, model, out var table) && table is not null,
        _ => false,
    };

    /// <summary>A data context: a constant, or a provider's reference node for one (linq2db's context reference), never a query.</summary>
    private static bool IsContext(Expression node) =>
        node.NodeType is ExpressionType.Constant or ExpressionType.Extension && !typeof(IQueryable).IsAssignableFrom(node.Type);

    internal static bool IsRowLocal(Expression predicate)
    {
        while (predicate is UnaryExpression { NodeType: ExpressionType.Quote } quote)
        {
            predicate = quote.Operand;
        }

        return predicate is LambdaExpression { Parameters.Count: 1 } lambda && new RowLocalCheck(lambda.Parameters[0]).Accepts(lambda.Body);
    }

    /// <summary>Accepts only nodes that read the row's own scalar columns, captured values and pure scalar operations.</summary>
    private sealed class RowLocalCheck(ParameterExpression row)
    {
        public bool Accepts(Expression? node) => node switch
        {
            null => true,
            ConstantExpression => true,
            ParameterExpression => false, // the row itself, whole (compared or passed on): not a column read
            MemberExpression member => AcceptsMember(member),
            BinaryExpression binary => binary.Conversion is null && Accepts(binary.Left) && Accepts(binary.Right),
            UnaryExpression { NodeType: ExpressionType.Not or ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Negate } unary =>
                Accepts(unary.Operand),
            ConditionalExpression conditional => Accepts(conditional.Test) && Accepts(conditional.IfTrue) && Accepts(conditional.IfFalse),
            MethodCallExpression call => AcceptsCall(call),
            _ => false,
        };

        private bool AcceptsMember(MemberExpression member)
        {
            if (member.Expression is null || !ReadsRow(member.Expression))
            {
                // A captured or static value: evaluated once, before the query runs.
                return !typeof(IQueryable).IsAssignableFrom(member.Type);
            }

            // The row's own column (row.Column), or a member of a scalar read from it (row.Title.Length).
            return ValueEncoder.IsEncodable(member.Type) && (member.Expression == row || (ValueEncoder.IsEncodable(member.Expression.Type) && member.Expression is MemberExpression inner && AcceptsMember(inner)));
        }

        private bool AcceptsCall(MethodCallExpression call)
        {
            var declaring = call.Method.DeclaringType;
            if (declaring == typeof(string) || declaring == typeof(Math) || (declaring is not null && ValueEncoder.IsEncodable(declaring)))
            {
                return Accepts(call.Object) && call.Arguments.All(Accepts);
            }

            // value list Contains: Enumerable.Contains(list, row.Column) or list.Contains(row.Column) over an in-memory list.
            if (call.Method.Name == nameof(Enumerable.Contains))
            {
                var (collection, item) = call.Object is null && call.Arguments.Count == 2 && declaring == typeof(Enumerable)
                    ? (call.Arguments[0], call.Arguments[1])
                    : call.Object is not null && call.Arguments.Count == 1 ? (call.Object, call.Arguments[0]) : (null, null);
                return collection is not null && !ReadsRow(collection) && IsInMemoryList(collection.Type) && Accepts(item);
            }

            return false;
        }

        private static bool IsInMemoryList(Type type) =>
            !typeof(IQueryable).IsAssignableFrom(type) && typeof(IEnumerable).IsAssignableFrom(type)
            && (type.IsArray || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(List<>) || type.GetGenericTypeDefinition() == typeof(HashSet<>))));

        // Any parameter counts (only the row's is accepted anywhere, so this is the row or a refusal).
        private static bool ReadsRow(Expression expression) => ParameterFinder.References(expression);
    }
}

using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// A filter of a list's root table that holds only for rows joined to a matching row of another table: a conjunct
/// <c>x.Tags.Any(t =&gt; P(t))</c> (a collection navigation) or <c>x.User.Name == v</c> (a reference navigation, compared
/// with a value that is not null). A root row can then match only if its join column holds a key of a row matching <c>P</c>,
/// so a row that arrives in the root (an insert, an update) with any other value cannot change the answer. The keys, the
/// set <c>S</c>, come from a second query on a miss (a <see cref="KeyQuery"/> of <c>T.Where(P)</c>), run through the same
/// context after the read position; <see cref="AnswerDependencies"/> then keys the root's arrivals by <c>S</c>.
/// </summary>
/// <remarks>
/// <para>Sound because <c>S</c> can change only by a row of <c>T</c> that matches <c>P</c> before or after a write, and such a
/// write bumps the query's own dependencies on <c>T</c> (the analysis keys the navigation's occurrence by a weakening of
/// <c>P</c>, reading its join column); a write between the main query and the key query is after the position, so it reaches
/// the entry through those keys or through the root's arrivals. A reference navigation needs the comparison to reject the
/// row of nulls a missing target reads as (a root row whose target is missing would match a comparison with null): only
/// equalities with a value that is not null, or with a column whose type cannot hold null, qualify.</para>
/// <para>Only single-column joins on integer or <see cref="Guid"/> keys (no collation can make two keys equal that encode
/// apart), a predicate that reads only the target row's own columns and captured values, a target table the query reads
/// once, and a dialect that can build the target's root (<see cref="IQueryDialect.TryCreateSiblingRoot"/>). More than 64
/// keys, or a key query that fails, keep the coarser dependencies.</para>
/// </remarks>
internal sealed class JoinedArrivals
{
    private readonly KeyQuery _keys;

    private JoinedArrivals(ColumnModel rootColumn, TableModel target, KeyQuery keys)
    {
        RootColumn = rootColumn;
        Target = target;
        _keys = keys;
    }

    /// <summary>Gets the root's join column: an arriving row matters only with one of the keys as its value.</summary>
    public ColumnModel RootColumn { get; }

    /// <summary>Gets the joined table whose matching rows' keys the second query reads.</summary>
    public TableModel Target { get; }

    /// <summary>
    /// The first joined filter among <paramref name="filters"/> (the chain's <c>Where</c> calls on rows of <paramref name="root"/>,
    /// whose expression is <paramref name="rootNode"/>); <see langword="null"/> when none qualifies.
    /// </summary>
    public static JoinedArrivals? TryFind(
        IReadOnlyList<MethodCallExpression> filters, Expression rootNode, TableModel root, QueryAnalysis analysis, IEntityModel model, IQueryDialect? dialect)
    {
        if (dialect is null)
        {
            return null;
        }

        foreach (var filter in filters)
        {
            if (filter.Method.Name != nameof(Queryable.Where) || QueryAnalyzer.GetLambda(filter.Arguments[1]) is not { Parameters: [var row] } lambda)
            {
                continue;
            }

            foreach (var conjunct in Conjuncts.Of(lambda.Body))
            {
                if (Match(conjunct, lambda.Body, row, root) is not { } match
                    || Create(match.Association, match.Predicate, rootNode, root, analysis, model, dialect) is not { } found)
                {
                    continue;
                }

                return found;
            }
        }

        return null;
    }

    /// <summary>Runs the key query: the join keys of the matching rows, nulls left out; <see langword="null"/> when there are too many.</summary>
    public ValueTask<List<object?>?> ReadKeysAsync(CacheBotQueryContext context, bool async, CancellationToken cancellationToken) =>
        _keys.ReadAsync(context, async, cancellationToken);

    private static JoinedArrivals? Create(
        AssociationModel association, LambdaExpression? predicate, Expression rootNode, TableModel root, QueryAnalysis analysis, IEntityModel model, IQueryDialect dialect)
    {
        if (association is not { HasKeys: true, ThisKeys.Count: 1, ThroughTables.Count: 0, ReadsUnnamedTables: false }
            || root.FindColumn(association.ThisKeys[0]) is not { CanFormScheme: true } rootColumn
            || model.GetTable(association.TargetType) is not { } target || target == root
            || target.FindColumn(association.OtherKeys[0]) is not { } targetColumn
            || !IsJoinKeyType(rootColumn.ClrType) || Underlying(rootColumn.ClrType) != Underlying(targetColumn.ClrType)
            || analysis.Tables.Count(t => t == target) != 1 || !analysis.ReadOnce.Contains(target)
            || (predicate is not null && !MonotoneExistence.IsRowLocal(predicate))
            || !dialect.TryCreateSiblingRoot(rootNode, association.TargetType, out var targetRoot))
        {
            return null;
        }

        var source = predicate is null
            ? targetRoot
            : Expression.Call(typeof(Queryable), nameof(Queryable.Where), [association.TargetType], targetRoot, Expression.Quote(predicate));
        return new JoinedArrivals(rootColumn, target, KeyQuery.Create(source, targetColumn));
    }

    /// <summary>
    /// The navigation and target predicate of a conjunct: <c>x.Nav.Any([t =&gt; P])</c> on a collection, or equalities
    /// <c>x.Nav.Column == value</c> on a reference (all of them in <paramref name="body"/> for the same navigation).
    /// </summary>
    private static (AssociationModel Association, LambdaExpression? Predicate)? Match(Expression conjunct, Expression body, ParameterExpression row, TableModel root)
    {
        if (conjunct is MethodCallExpression { Method.Name: nameof(Enumerable.Any) } any)
        {
            return CollectionNavigation(any, row, root);
        }

        if (NullRejectingEquality(conjunct, row) is not { } navigation || root.FindAssociation(navigation.Member) is not { IsCollection: false } reference)
        {
            return null;
        }

        // Every null-rejecting equality on the same navigation narrows the target's rows; each is a conjunct, so all hold.
        var joined = Expression.Parameter(reference.TargetType, "joined");
        Expression? predicate = null;
        foreach (var other in Conjuncts.Of(body))
        {
            if (NullRejectingEquality(other, row) is { } same && same.Member == navigation.Member)
            {
                var replaced = new NavigationReplacer(row, navigation.Member, joined).Visit(other);
                predicate = predicate is null ? replaced : Expression.AndAlso(predicate, replaced);
            }
        }

        return predicate is null || ParameterFinder.References(predicate, row) ? null : (reference, Expression.Lambda(predicate, joined));
    }

    /// <summary>
    /// The collection navigation of <paramref name="root"/> and the optional row predicate of <c>x.Nav.Method([P])</c>
    /// (<see cref="Enumerable"/> or <see cref="Queryable"/>, <c>x</c> being <paramref name="row"/>); <see langword="null"/>
    /// when the call is not that or its predicate reads <paramref name="row"/>.
    /// </summary>
    internal static (AssociationModel Association, LambdaExpression? Predicate)? CollectionNavigation(MethodCallExpression call, ParameterExpression row, TableModel root)
    {
        if ((call.Method.DeclaringType != typeof(Enumerable) && call.Method.DeclaringType != typeof(Queryable))
            || call.Arguments[0] is not MemberExpression { Expression: var owner, Member: var member } || owner != row
            || root.FindAssociation(member) is not { IsCollection: true } association)
        {
            return null;
        }

        if (call.Arguments.Count == 1)
        {
            return (association, null);
        }

        return QueryAnalyzer.GetLambda(call.Arguments[1]) is { Parameters.Count: 1 } predicate && !ParameterFinder.References(predicate.Body, row)
            ? (association, predicate)
            : null;
    }

    /// <summary>
    /// The navigation <c>x.Nav</c> of an equality <c>x.Nav.Column == value</c> (either side, under conversions) whose other side
    /// reads no parameter and cannot be null (a column of a non-nullable value type, or a value that evaluates to non-null).
    /// </summary>
    private static MemberExpression? NullRejectingEquality(Expression node, ParameterExpression row)
    {
        // A string comparison carries string's operator as its method; any other operator method is the user's own code.
        if (node is not BinaryExpression { NodeType: ExpressionType.Equal } equal || (equal.Method is not null && equal.Method.DeclaringType != typeof(string)))
        {
            return null;
        }

        foreach (var (side, other) in new[] { (equal.Left, equal.Right), (equal.Right, equal.Left) })
        {
            if (StripConversions(side) is MemberExpression { Expression: MemberExpression { Expression: var owner } navigation } column
                && owner == row && column.Member is PropertyInfo or FieldInfo && !ParameterFinder.References(other)
                && (IsNonNullableValue(column.Type) || IsNonNullValue(other)))
            {
                return navigation;
            }
        }

        return null;
    }

    private static bool IsNonNullableValue(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null;

    /// <summary>Whether a value read from constants and captured members only is not null (false when it cannot be read so).</summary>
    private static bool IsNonNullValue(Expression node)
    {
        node = StripConversions(node);
        return node is ConstantExpression or MemberExpression && CapturedValues.TryEvaluate(node, out var value) && value is not null;
    }

    private static Expression StripConversions(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked, Method: null } convert)
        {
            node = convert.Operand;
        }

        return node;
    }

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    /// <summary>Integer and <see cref="Guid"/> keys: no collation or conversion can make two of them equal that encode apart.</summary>
    internal static bool IsJoinKeyType(Type type) =>
        Type.GetTypeCode(Underlying(type)) is TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.SByte
            or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64
        && !Underlying(type).IsEnum
        || Underlying(type) == typeof(Guid);

    /// <summary>Replaces the navigation <c>x.Nav</c> by the target row.</summary>
    private sealed class NavigationReplacer(ParameterExpression row, MemberInfo navigation, ParameterExpression joined) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression == row && node.Member == navigation ? joined : base.VisitMember(node);
    }
}

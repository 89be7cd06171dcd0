using System.Collections;
using System.Linq.Expressions;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>Predicates: equality, <c>Equals</c>, <c>Contains</c>, boolean columns, <c>&amp;&amp;</c>, <c>||</c>; everything else constrains nothing.</summary>
internal sealed partial class QueryAnalyzer
{
    private Dnf Predicate(Expression node, Env env, int scope)
    {
        switch (node.NodeType)
        {
            case ExpressionType.AndAlso:
            case ExpressionType.And when node.Type == typeof(bool):
            {
                var binary = (BinaryExpression)node;
                return Dnf.And(Predicate(binary.Left, env, scope), Predicate(binary.Right, env, scope));
            }

            case ExpressionType.OrElse:
            case ExpressionType.Or when node.Type == typeof(bool):
            {
                var binary = (BinaryExpression)node;
                return Dnf.Or(Predicate(binary.Left, env, scope), Predicate(binary.Right, env, scope));
            }

            case ExpressionType.Not when node.Type == typeof(bool):
            {
                var operand = ((UnaryExpression)node).Operand;
                if (ResolveColumn(operand, env, scope) is { } negated && negated.Column.ClrType == typeof(bool))
                {
                    return AtomFor(negated, [false], scope);
                }

                Walk(operand, env, scope);
                return Dnf.True;
            }

            case ExpressionType.Equal:
            {
                var binary = (BinaryExpression)node;
                return EqualityAtom(binary.Left, binary.Right, env, scope) ?? WalkTrue(node, env, scope);
            }

            case ExpressionType.Call:
                return CallPredicate((MethodCallExpression)node, env, scope) ?? WalkTrue(node, env, scope);

            case ExpressionType.MemberAccess:
                if (ResolveColumn(node, env, scope) is { } flag && flag.Column.ClrType == typeof(bool))
                {
                    return AtomFor(flag, [true], scope);
                }

                return WalkTrue(node, env, scope);

            case ExpressionType.Convert when node.Type == typeof(bool) || node.Type == typeof(bool?):
                return Predicate(((UnaryExpression)node).Operand, env, scope);

            default:
                return WalkTrue(node, env, scope);
        }
    }

    private Dnf WalkTrue(Expression node, Env env, int scope)
    {
        Walk(node, env, scope);
        return Dnf.True;
    }

    private Dnf? CallPredicate(MethodCallExpression call, Env env, int scope)
    {
        var method = call.Method;
        if (method.Name == "Equals" && method.ReturnType == typeof(bool))
        {
            // Only the equality of the value's own type (or object.Equals): a custom static Equals may compare loosely.
            if (call.Object is not null && call.Arguments.Count == 1
                && (method.DeclaringType == typeof(object) || method.DeclaringType == (Nullable.GetUnderlyingType(call.Object.Type) ?? call.Object.Type)))
            {
                return EqualityAtom(call.Object, call.Arguments[0], env, scope);
            }

            if (call.Object is null && call.Arguments.Count == 2 && (method.DeclaringType == typeof(object) || method.DeclaringType == typeof(string)))
            {
                return EqualityAtom(call.Arguments[0], call.Arguments[1], env, scope);
            }

            return null;
        }

        if (method.Name != "Contains" || method.ReturnType != typeof(bool))
        {
            return null;
        }

        // Enumerable.Contains(values, x.Col) / MemoryExtensions.Contains(span, x.Col) / values.Contains(x.Col)
        Expression? values = null, item = null;
        if (call.Object is null && call.Arguments.Count == 2)
        {
            (values, item) = (StripSpan(call.Arguments[0]), call.Arguments[1]);
        }
        else if (call.Object is not null && call.Arguments.Count == 1 && method.DeclaringType != typeof(string))
        {
            (values, item) = (call.Object, call.Arguments[0]);
        }

        if (values is null || item is null || ResolveColumn(item, env, scope) is not { } column)
        {
            return null;
        }

        if (!TryEvaluate(values, out var collection) || collection is not IEnumerable enumerable || collection is string)
        {
            return null;
        }

        var list = new List<object?>();
        foreach (var value in enumerable)
        {
            if (list.Count >= _settings.MaxValueTuples)
            {
                // Too many values to list: the column cannot narrow, but the predicate is still analysed for tables.
                Walk(item, env, scope);
                return Dnf.True;
            }

            list.Add(value);
        }

        return AtomFor(column, list, scope);
    }

    private static Expression StripSpan(Expression node) =>
        node is MethodCallExpression { Method.Name: "op_Implicit", Arguments.Count: 1 } conversion ? conversion.Arguments[0] : node;

    private Dnf? EqualityAtom(Expression left, Expression right, Env env, int scope)
    {
        if (ResolveColumn(left, env, scope) is { } l && TryEvaluate(right, out var rv))
        {
            return AtomFor(l, [rv], scope);
        }

        if (ResolveColumn(right, env, scope) is { } r && TryEvaluate(left, out var lv))
        {
            return AtomFor(r, [lv], scope);
        }

        return EntityAtom(left, right, env, scope) ?? EntityAtom(right, left, env, scope);
    }

    /// <summary><c>p.User == u</c>: the key columns of the row reference must equal the entity's key values.</summary>
    private Dnf? EntityAtom(Expression rowSide, Expression valueSide, Env env, int scope)
    {
        if (ResolveBinding(StripConvert(rowSide), env, scope) is not RowBinding row || !TryEvaluate(valueSide, out var entity))
        {
            return null;
        }

        var occurrence = row.Occurrence;
        if (entity is null)
        {
            // p.User == null: the foreign key is null on the owning row.
            if (occurrence is { Via: { IsCollection: false, HasKeys: true } via, Parent: { } parent })
            {
                var result = Dnf.True;
                foreach (var key in via.ThisKeys)
                {
                    if (parent.Table.FindColumn(key) is { } fk)
                    {
                        result = Dnf.And(result, AtomFor(new ColumnRef(parent, fk), [null], scope));
                    }
                }

                return result;
            }

            return Dnf.True;
        }

        if (!occurrence.Table.EntityType.IsInstanceOfType(entity) || occurrence.Table.PrimaryKey.Count == 0)
        {
            return Dnf.True;
        }

        var atoms = Dnf.True;
        foreach (var key in occurrence.Table.PrimaryKey)
        {
            atoms = Dnf.And(atoms, AtomFor(new ColumnRef(occurrence, key), [key.Getter(entity)], scope));
        }

        return atoms;
    }

    /// <summary>An equality atom, if the occurrence may be narrowed here; a key column reached through a to-one navigation also narrows the owner's foreign key.</summary>
    private static Dnf AtomFor(ColumnRef column, IReadOnlyList<object?> values, int scope)
    {
        var occurrence = column.Occurrence;
        if (occurrence.Scope != scope || occurrence.IsFrozen || !column.Column.CanFormScheme || !column.Column.AcceptsAll(values)
            || (occurrence.NullMayMeanMissing && values.Contains(null)))
        {
            return Dnf.True;
        }

        var atom = Dnf.Atom(column, values);
        if (occurrence is { Via: { IsCollection: false, HasKeys: true, ThisKeys.Count: 1 } via, Parent: { } parent }
            && MemberKeyComparer.Instance.Equals(via.OtherKeys[0], column.Column.Member)
            && parent.Table.FindColumn(via.ThisKeys[0]) is { } foreignKey)
        {
            atom = Dnf.And(atom, AtomFor(new ColumnRef(parent, foreignKey), values, scope));
        }

        return atom;
    }

    /// <summary>Resolves <c>x.Col</c> (through navigations, transparent identifiers and safe conversions) to a column of an occurrence.</summary>
    private ColumnRef? ResolveColumn(Expression node, Env env, int scope)
    {
        node = StripConvert(node);
        if (node is MemberExpression { Member.Name: "Value", Expression: { } inner } && Nullable.GetUnderlyingType(inner.Type) is not null)
        {
            node = StripConvert(inner);
        }

        if (node is not MemberExpression member || member.Expression is null)
        {
            return null;
        }

        if (ResolveBinding(member.Expression, env, scope) is RowBinding row && row.Occurrence.Table.FindColumn(member.Member) is { } column)
        {
            return new ColumnRef(row.Occurrence, column);
        }

        return null;
    }

    /// <summary>Resolves a row-valued expression: a parameter, a member of a bound object, or a navigation from a row.</summary>
    private Binding? ResolveBinding(Expression? node, Env? env, int scope)
    {
        node = node is null ? null : StripConvert(node);
        switch (node)
        {
            case ParameterExpression parameter:
                return env?.Find(parameter);
            case MemberExpression { Expression: not null } member:
            {
                var owner = ResolveBinding(member.Expression, env, scope);
                if (owner is ObjectBinding obj)
                {
                    return obj.Member(member.Member);
                }

                if (owner is RowBinding row && row.Occurrence.Table.FindAssociation(member.Member) is { } association)
                {
                    if (NavigationTarget(row.Occurrence.Table, association) is { } target)
                    {
                        return new RowBinding(row.Occurrence.Navigate(association, target, scope, _occurrences));
                    }
                }

                return null;
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// The table a navigation reaches. A target without a table model is a table the analysis cannot name: the query
    /// reads it, so it is refused (never cached without that table's dependency).
    /// </summary>
    private TableModel? NavigationTarget(TableModel owner, AssociationModel association)
    {
        if (association.ReadsUnnamedTables)
        {
            Refuse(
                RefusalReason.UnidentifiedTable,
                "navigation " + owner.Name + "." + association.Member.Name + " is defined by a query that may read tables CacheBot cannot name");
            return null;
        }

        if (_model.GetTable(association.TargetType) is { } target)
        {
            return target;
        }

        Refuse(
            RefusalReason.UnidentifiedTable,
            "navigation " + owner.Name + "." + association.Member.Name + " reaches " + association.TargetType.Name + ", which has no table model");
        return null;
    }

    /// <summary>Removes conversions that keep equality intact: nullable lifting, enum to its underlying type, integer widening.</summary>
    private static Expression StripConvert(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked, Method: null } unary
            && IsEqualityPreserving(unary.Operand.Type, unary.Type))
        {
            node = unary.Operand;
        }

        return node;
    }

    private static bool IsEqualityPreserving(Type from, Type to)
    {
        var f = Nullable.GetUnderlyingType(from) ?? from;
        var t = Nullable.GetUnderlyingType(to) ?? to;
        if (f == t || (!f.IsValueType && !t.IsValueType && t.IsAssignableFrom(f)))
        {
            return true;
        }

        if (f.IsEnum)
        {
            f = Enum.GetUnderlyingType(f);
        }

        if (t.IsEnum)
        {
            t = Enum.GetUnderlyingType(t);
        }

        return TypeHelpers.IsIntegerWidening(f, t);
    }
}

using System.Linq.Expressions;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Analysis;

/// <summary>Query chains: roots, <see cref="Queryable"/>/<see cref="Enumerable"/> operators, provider methods.</summary>
internal sealed partial class QueryAnalyzer
{
    /// <summary>Processes a sequence-valued expression (or a terminal call) and returns what its elements stand for.</summary>
    private Binding ProcessChain(Expression node, Env? env, int scope, bool isMainChain)
    {
        if (_dialect is not null && _dialect.TryGetTableRoot(node, _model, out var dialectTable))
        {
            return dialectTable is null ? RefuseUnknown(node) : new RowBinding(NewRoot(dialectTable, scope, isMainChain));
        }

        switch (node)
        {
            case MethodCallExpression call:
                return ProcessCall(call, env, scope, isMainChain);
            case ConstantExpression constant:
                // A value read as a query source, outside TryEvaluate: recorded like an evaluation (see AnalysisPlan).
                _evaluations?.Add(new ClientEvaluation(constant, true, constant.Value));
                return ProcessSourceValue(constant.Value, node, env, scope, isMainChain);
            case ParameterExpression parameter:
                return ChainFromBinding(env?.Find(parameter), node);
            case MemberExpression member:
                if (TryEvaluate(member, out var value))
                {
                    return ProcessSourceValue(value, node, env, scope, isMainChain);
                }

                return ProcessNavigationSource(member, env, scope, node);
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs or ExpressionType.Quote } unary:
                return ProcessChain(unary.Operand, env, scope, isMainChain);
            default:
                return RefuseUnknown(node);
        }
    }

    private Binding ProcessNavigationSource(MemberExpression member, Env? env, int scope, Expression node)
    {
        if (ResolveBinding(member.Expression, env, scope) is RowBinding owner
            && owner.Occurrence.Table.FindAssociation(member.Member) is { } association
            && NavigationTarget(owner.Occurrence.Table, association) is { } target)
        {
            return new RowBinding(owner.Occurrence.Navigate(association, target, scope, _occurrences));
        }

        return ChainFromBinding(ResolveBinding(member, env, scope), node);
    }

    private Binding ChainFromBinding(Binding? binding, Expression node) => binding switch
    {
        GroupBinding group => group.Element,
        RowBinding row => row,
        _ => RefuseUnknown(node),
    };

    private Binding ProcessSourceValue(object? value, Expression node, Env? env, int scope, bool isMainChain)
    {
        if (value is IQueryable queryable)
        {
            if (queryable is ICacheBotQueryable wrapped)
            {
                return ProcessChain(wrapped.Expression, env, scope, isMainChain);
            }

            if (queryable.Expression is ConstantExpression root && ReferenceEquals(root.Value, queryable))
            {
                var table = _model.GetTable(queryable.ElementType);
                return table is null ? RefuseUnknown(node) : new RowBinding(NewRoot(table, scope, isMainChain));
            }

            return ProcessChain(queryable.Expression, env, scope, isMainChain);
        }

        return RefuseUnknown(node);
    }

    private Binding RefuseUnknown(Expression node)
    {
        Refuse(RefusalReason.UnidentifiedTable, "cannot identify the table of " + node.NodeType + " " + node.Type.Name);
        return Binding.Unknown;
    }

    private Binding ProcessCall(MethodCallExpression call, Env? env, int scope, bool isMainChain)
    {
        var method = call.Method;
        if (QueryMarkers.IsMarker(method))
        {
            return ProcessChain(call.Arguments[0], env, scope, isMainChain);
        }

        if (method.DeclaringType != typeof(Queryable) && method.DeclaringType != typeof(Enumerable))
        {
            return ProcessProviderCall(call, env, scope, isMainChain);
        }

        var args = call.Arguments;
        switch (method.Name)
        {
            case "Where":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                var lambda = GetLambda(args[1]);
                if (lambda is null || lambda.Parameters.Count != 1)
                {
                    Freeze(source);
                    WalkArguments(call, 1, env, scope);
                    return source;
                }

                AddFormula(Predicate(lambda.Body, new Env(lambda.Parameters[0], source, env), scope));
                return source;
            }

            case "Select":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                var lambda = GetLambda(args[1]);
                if (lambda is null || lambda.Parameters.Count != 1)
                {
                    WalkArguments(call, 1, env, scope);
                    return Binding.Unknown;
                }

                var inner = new Env(lambda.Parameters[0], source, env);
                Walk(lambda.Body, inner, scope);
                return Bind(lambda.Body, inner, scope);
            }

            case "SelectMany":
                return ProcessSelectMany(call, env, scope, isMainChain);

            case "Join":
            case "GroupJoin":
                return ProcessJoin(call, env, scope, isMainChain, method.Name == "GroupJoin", JoinSides.None);

            // .NET 10 outer joins: the other side may be missing (a row of nulls).
            case "LeftJoin":
                return ProcessJoin(call, env, scope, isMainChain, false, JoinSides.InnerOptional);
            case "RightJoin":
                return ProcessJoin(call, env, scope, isMainChain, false, JoinSides.OuterOptional);

            case "DefaultIfEmpty":
            {
                // An outer join: a missing row looks like a row of nulls, so a null constraint can no longer narrow.
                var source = ProcessChain(args[0], env, scope, isMainChain);
                MarkOptional(source);
                WalkLambdas(call, source, env, scope);
                return source;
            }

            case "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Reverse" or "Distinct"
                or "AsQueryable" or "AsEnumerable" or "Cast" or "OfType" or "Order" or "OrderDescending"
                or "Append" or "Prepend" or "ToList" or "ToArray":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                WalkLambdas(call, source, env, scope);
                return source;
            }

            // Which rows survive these depends on other rows (position, or the first row of each DistinctBy key).
            case "Take" or "Skip" or "TakeWhile" or "SkipWhile" or "TakeLast" or "SkipLast" or "Chunk" or "DistinctBy":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                Freeze(source);
                WalkLambdas(call, source, env, scope);
                return source;
            }

            case "GroupBy":
                return ProcessGroupBy(call, env, scope, isMainChain);

            // Pairs each row with its position: which rows (and positions) survive later filters depends on other rows.
            case "Index":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                Freeze(source);
                return Binding.Unknown;
            }

            case "Shuffle":
                Refuse(RefusalReason.NonDeterministic, "Queryable.Shuffle() is not deterministic");
                return Binding.Unknown;

            case "Union" or "Concat" or "Intersect" or "Except" or "Zip" or "SequenceEqual" or "UnionBy" or "IntersectBy" or "ExceptBy":
            {
                ProcessChain(args[0], env, scope, isMainChain);
                ProcessChain(args[1], env, scope, isMainChain: false);
                WalkArguments(call, 2, env, scope);
                return Binding.Unknown;
            }

            case "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" or "Last" or "LastOrDefault" or "Any" or "Count"
                or "LongCount":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                if (args.Count > 1 && GetLambda(args[1]) is { Parameters.Count: 1 } predicate)
                {
                    AddFormula(Predicate(predicate.Body, new Env(predicate.Parameters[0], source, env), scope));
                }
                else
                {
                    WalkArguments(call, 1, env, scope);
                }

                return method.Name is "Any" or "Count" or "LongCount" ? Binding.Unknown : source;
            }

            case "All" or "Sum" or "Min" or "Max" or "Average" or "MinBy" or "MaxBy" or "Contains" or "ElementAt" or "ElementAtOrDefault"
                or "Aggregate" or "CountBy" or "AggregateBy":
            {
                var source = ProcessChain(args[0], env, scope, isMainChain);
                WalkLambdas(call, source, env, scope);
                return method.Name is "ElementAt" or "ElementAtOrDefault" or "MinBy" or "MaxBy" ? source : Binding.Unknown;
            }

            default:
                Refuse(RefusalReason.UnsupportedOperator, "operator " + method.Name + " is not analysed");
                return Binding.Unknown;
        }
    }

    private Binding ProcessSelectMany(MethodCallExpression call, Env? env, int scope, bool isMainChain)
    {
        var args = call.Arguments;
        var source = ProcessChain(args[0], env, scope, isMainChain);
        var collection = GetLambda(args[1]);
        if (collection is null || collection.Parameters.Count != 1)
        {
            Freeze(source);
            WalkArguments(call, 1, env, scope);
            return Binding.Unknown;
        }

        var collectionEnv = new Env(collection.Parameters[0], source, env);
        var element = ProcessChain(collection.Body, collectionEnv, scope, isMainChain: false);
        if (args.Count < 3 || GetLambda(args[2]) is not { Parameters.Count: 2 } result)
        {
            return element;
        }

        var resultEnv = new Env(result.Parameters[1], element, new Env(result.Parameters[0], source, env));
        Walk(result.Body, resultEnv, scope);
        return Bind(result.Body, resultEnv, scope);
    }

    private void AddFormula(Dnf formula)
    {
        if (!formula.IsTrue)
        {
            _formulas.Add(formula);
        }
    }
}

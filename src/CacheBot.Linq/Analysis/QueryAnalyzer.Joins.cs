using System.Linq.Expressions;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>Joins (<see cref="Queryable"/> and provider joins), <c>GroupBy</c>, and the other provider chain methods.</summary>
internal sealed partial class QueryAnalyzer
{
    private Binding ProcessJoin(MethodCallExpression call, Env? env, int scope, bool isMainChain, bool isGroupJoin, JoinSides sides)
    {
        var args = call.Arguments;
        var outer = ProcessChain(args[0], env, scope, isMainChain);
        var inner = ProcessChain(args[1], env, scope, isMainChain: false);
        if (GetLambda(args[2]) is { } outerKey)
        {
            Walk(outerKey.Body, new Env(outerKey.Parameters[0], outer, env), scope);
        }

        if (GetLambda(args[3]) is { } innerKey)
        {
            Walk(innerKey.Body, new Env(innerKey.Parameters[0], inner, env), scope);
        }

        MarkSides(outer, inner, sides);
        if (GetLambda(args[4]) is not { Parameters.Count: 2 } result)
        {
            return Binding.Unknown;
        }

        var second = isGroupJoin ? new GroupBinding(inner, Binding.Unknown) : inner;
        var resultEnv = new Env(result.Parameters[1], second, new Env(result.Parameters[0], outer, env));
        Walk(result.Body, resultEnv, scope);
        return Bind(result.Body, resultEnv, scope);
    }

    private static void MarkSides(Binding outer, Binding inner, JoinSides sides)
    {
        if ((sides & JoinSides.OuterOptional) != 0)
        {
            MarkOptional(outer);
        }

        if ((sides & JoinSides.InnerOptional) != 0)
        {
            MarkOptional(inner);
        }
    }

    /// <summary>
    /// <c>GroupBy</c> in all its forms (key, element selector, result selector, comparer). The groups hold the source rows: the
    /// source's occurrences are the dependencies, and predicates before the <c>GroupBy</c> narrow them. Predicates after it
    /// (on groups, aggregates or the key: SQL's HAVING) never narrow, and neither do those on rows surfacing from a group
    /// (<c>g.First()</c>): the source is frozen.
    /// </summary>
    private Binding ProcessGroupBy(MethodCallExpression call, Env? env, int scope, bool isMainChain)
    {
        var args = call.Arguments;
        var source = ProcessChain(args[0], env, scope, isMainChain);
        var key = Binding.Unknown;
        var element = source;
        LambdaExpression? result = null;
        for (var i = 1; i < args.Count; i++)
        {
            var lambda = GetLambda(args[i]);
            if (lambda is { Parameters.Count: 1 })
            {
                var lambdaEnv = new Env(lambda.Parameters[0], source, env);
                Walk(lambda.Body, lambdaEnv, scope);
                var bound = Bind(lambda.Body, lambdaEnv, scope);
                if (i == 1)
                {
                    key = bound;
                }
                else
                {
                    element = bound;
                }
            }
            else if (lambda is { Parameters.Count: 2 })
            {
                result = lambda;
            }
            else
            {
                Walk(args[i], env, scope); // a comparer
            }
        }

        Freeze(source);
        var group = new GroupBinding(element, key);
        if (result is null)
        {
            return group;
        }

        var resultEnv = new Env(result.Parameters[1], group, new Env(result.Parameters[0], key, env));
        Walk(result.Body, resultEnv, scope);
        return Bind(result.Body, resultEnv, scope);
    }

    private Binding ProcessProviderCall(MethodCallExpression call, Env? env, int scope, bool isMainChain)
    {
        var kind = _dialect?.ClassifyChainMethod(call.Method) ?? ChainMethodKind.Unknown;
        if (kind == ChainMethodKind.Unknown || call.Arguments.Count == 0)
        {
            Refuse(RefusalReason.UnsupportedOperator, "method " + call.Method.DeclaringType?.Name + "." + call.Method.Name + " is not analysed");
            return Binding.Unknown;
        }

        switch (kind)
        {
            case ChainMethodKind.Join:
                return ProcessProviderJoin(call, env, scope, isMainChain);
            case ChainMethodKind.SetOperation:
                ProcessChain(call.Arguments[0], env, scope, isMainChain);
                if (call.Arguments.Count > 1)
                {
                    ProcessChain(call.Arguments[1], env, scope, isMainChain: false);
                }

                WalkArguments(call, 2, env, scope);
                return Binding.Unknown;
        }

        var source = ProcessChain(call.Arguments[0], env, scope, isMainChain);
        switch (kind)
        {
            case ChainMethodKind.LoadWith:
                ProcessLoadWith(call, source, env);
                break;
            case ChainMethodKind.Positional:
                Freeze(source);
                WalkLambdas(call, source, env, scope);
                break;
            default:
                // PassThrough and Filter (HAVING): lambdas are walked over the source's rows and narrow nothing.
                WalkLambdas(call, source, env, scope);
                break;
        }

        return source;
    }

    private void ProcessLoadWith(MethodCallExpression call, Binding source, Env? env)
    {
        // Loaded rows are part of the result: walk the path in a scope of its own, so its tables get dependencies
        // but no predicate narrows the main chain. A path whose parameter is not the chain's row starts a fresh root.
        var loadScope = NewScope();
        for (var i = 1; i < call.Arguments.Count; i++)
        {
            if (GetLambda(call.Arguments[i]) is { Parameters.Count: 1 } path)
            {
                var parameter = path.Parameters[0];
                var binding = source is RowBinding row && row.Occurrence.Table.EntityType == parameter.Type
                    ? source
                    : _model.GetTable(parameter.Type) is { } table ? new RowBinding(NewRoot(table, loadScope, false)) : null;
                if (binding is null)
                {
                    // Nothing says which rows the path starts from, so the tables it loads cannot be named.
                    Refuse(RefusalReason.UnidentifiedTable, "cannot identify the rows " + call.Method.Name + " loads from (" + parameter.Type.Name + ")");
                    return;
                }

                var pathEnv = new Env(parameter, binding, env);
                Walk(path.Body, pathEnv, loadScope);
            }
        }
    }

    /// <summary>
    /// Provider joins. Two sources (<c>InnerJoin(outer, inner, (o, i) =&gt; ..., (o, i) =&gt; ...)</c>, <c>CrossJoin</c>): the
    /// predicate narrows only the sides whose rows it filters (both for an inner join, the inner side of a left join, none of
    /// a full join); optional sides read missing rows as nulls. One source (<c>from a in A from b in B.LeftJoin(b =&gt; ...)</c>):
    /// the predicate filters the source's rows for an inner or left join; for right and full joins it narrows nothing and
    /// every row in scope may be missing.
    /// </summary>
    private Binding ProcessProviderJoin(MethodCallExpression call, Env? env, int scope, bool isMainChain)
    {
        var sides = _dialect!.ClassifyJoin(call);
        var args = call.Arguments;
        var hasInner = args.Count > 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(args[1].Type) && GetLambda(args[1]) is null;
        if (!hasInner)
        {
            var source = ProcessChain(args[0], env, scope, isMainChain);
            LambdaExpression? predicate = null;
            for (var i = 1; i < args.Count; i++)
            {
                if (GetLambda(args[i]) is { Parameters.Count: 1 } lambda)
                {
                    predicate = lambda;
                }
                else
                {
                    Walk(args[i], env, scope);
                }
            }

            if ((sides & JoinSides.OuterOptional) != 0)
            {
                for (var e = env; e is not null; e = e.Next)
                {
                    MarkOptional(e.Binding);
                }
            }

            if ((sides & JoinSides.InnerOptional) != 0)
            {
                MarkOptional(source);
            }

            if (predicate is not null)
            {
                var predicateEnv = new Env(predicate.Parameters[0], source, env);
                if ((sides & JoinSides.OuterOptional) == 0)
                {
                    AddFormula(Predicate(predicate.Body, predicateEnv, scope));
                }
                else
                {
                    Walk(predicate.Body, predicateEnv, scope);
                }
            }

            return source;
        }

        var outer = ProcessChain(args[0], env, scope, isMainChain);
        var inner = ProcessChain(args[1], env, scope, isMainChain: false);
        LambdaExpression? on = null, result = null;
        for (var i = 2; i < args.Count; i++)
        {
            var lambda = GetLambda(args[i]);
            if (lambda is { Parameters.Count: 2 })
            {
                if (lambda.ReturnType == typeof(bool) && on is null && call.Method.Name != "CrossJoin")
                {
                    on = lambda;
                }
                else
                {
                    result = lambda;
                }
            }
            else
            {
                Walk(args[i], env, scope);
            }
        }

        if (on is not null)
        {
            var onEnv = new Env(on.Parameters[1], inner, new Env(on.Parameters[0], outer, env));
            var formula = Predicate(on.Body, onEnv, scope);
            var filtered = new HashSet<Occurrence>();
            if ((sides & JoinSides.OuterOptional) == 0)
            {
                Binding.CollectOccurrences(inner, filtered);
            }

            if ((sides & JoinSides.InnerOptional) == 0)
            {
                Binding.CollectOccurrences(outer, filtered);
            }

            AddFormula(formula.Project(c => IsWithin(c.Occurrence, filtered)));
        }

        MarkSides(outer, inner, sides);
        if (result is null)
        {
            return Binding.Unknown;
        }

        var resultEnv = new Env(result.Parameters[1], inner, new Env(result.Parameters[0], outer, env));
        Walk(result.Body, resultEnv, scope);
        return Bind(result.Body, resultEnv, scope);
    }

    private static bool IsWithin(Occurrence occurrence, HashSet<Occurrence> roots)
    {
        for (var o = occurrence; o is not null; o = o.Parent)
        {
            if (roots.Contains(o))
            {
                return true;
            }
        }

        return false;
    }
}

using System.Collections;
using System.Linq.Expressions;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// The side-effect walk over lambdas that are not predicates (selectors, keys, unknown arguments): it finds subqueries,
/// navigations and non-deterministic calls, and constrains nothing.
/// </summary>
internal sealed partial class QueryAnalyzer
{
    private void Walk(Expression node, Env? env, int scope) => new Walker(this, env, scope).Visit(node);

    private void WalkArguments(MethodCallExpression call, int start, Env? env, int scope)
    {
        for (var i = start; i < call.Arguments.Count; i++)
        {
            Walk(call.Arguments[i], env, scope);
        }
    }

    private void WalkLambdas(MethodCallExpression call, Binding source, Env? env, int scope)
    {
        for (var i = 1; i < call.Arguments.Count; i++)
        {
            if (GetLambda(call.Arguments[i]) is { Parameters.Count: 1 } lambda)
            {
                Walk(lambda.Body, new Env(lambda.Parameters[0], source, env), scope);
            }
            else
            {
                Walk(call.Arguments[i], env, scope);
            }
        }
    }

    /// <summary>What a selector body stands for: a row, an object of bound members, or unknown.</summary>
    private Binding Bind(Expression body, Env env, int scope)
    {
        switch (body)
        {
            case ParameterExpression parameter:
                return env.Find(parameter) ?? Binding.Unknown;
            case NewExpression { Members: { } members } created:
            {
                var map = new Dictionary<System.Reflection.MemberInfo, Binding>();
                for (var i = 0; i < members.Count; i++)
                {
                    map[members[i]] = Bind(created.Arguments[i], env, scope);
                }

                return new ObjectBinding(map);
            }

            case MemberInitExpression init:
            {
                var map = new Dictionary<System.Reflection.MemberInfo, Binding>();
                foreach (var binding in init.Bindings)
                {
                    if (binding is MemberAssignment assignment)
                    {
                        map[assignment.Member] = Bind(assignment.Expression, env, scope);
                    }
                }

                return new ObjectBinding(map);
            }

            case MemberExpression:
                return ResolveBinding(body, env, scope) ?? Binding.Unknown;
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } unary:
                return Bind(unary.Operand, env, scope);
            default:
                return Binding.Unknown;
        }
    }

    private static bool IsSequence(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private sealed class Walker(QueryAnalyzer analyzer, Env? env, int scope) : ExpressionVisitor
    {
        private Env? _env = env;

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            var saved = _env;
            foreach (var parameter in node.Parameters)
            {
                if (_env?.Find(parameter) is null)
                {
                    _env = new Env(parameter, Binding.Unknown, _env);
                }
            }

            Visit(node.Body);
            _env = saved;
            return node;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var method = node.Method;
            if (analyzer._dialect is not null && analyzer._dialect.TryGetTableRoot(node, analyzer._model, out _))
            {
                analyzer.ProcessChain(node, _env, analyzer.NewScope(), isMainChain: false);
                return node;
            }

            if (analyzer.IsNonDeterministic(method))
            {
                analyzer.Refuse(RefusalReason.NonDeterministic, Determinism.Describe(method) + " is not deterministic");
                return node;
            }

            if (method.DeclaringType == typeof(Queryable) || method.DeclaringType == typeof(Enumerable))
            {
                var source = node.Arguments.Count > 0 ? node.Arguments[0] : null;
                if (source is not null && IsSequence(source.Type) && !(analyzer.TryEvaluate(source, out var value) && value is not IQueryable))
                {
                    analyzer.ProcessChain(node, _env, analyzer.NewScope(), isMainChain: false);
                    return node;
                }

                return base.VisitMethodCall(node);
            }

            if (Querying.QueryMarkers.IsMarker(method))
            {
                return base.VisitMethodCall(node);
            }

            if (Determinism.IsCultureSensitive(method) && !ParameterFinder.References(node))
            {
                // Evaluated on the client with the current culture or time zone, which the key does not hold.
                analyzer.Refuse(RefusalReason.NonDeterministic, Determinism.Describe(method) + " depends on the current culture");
                return node;
            }

            if (analyzer._dialect?.IsTranslatedDeterministic(method) ?? false)
            {
                return base.VisitMethodCall(node);
            }

            if (Determinism.IsKnownPure(method) && (!ClientExpression.IsClientOnly(node) || analyzer.IsTrustedClientCall(node)))
            {
                return base.VisitMethodCall(node);
            }

            analyzer.Refuse(RefusalReason.NonDeterministic, Determinism.Describe(method) + " is not deterministic (the cache key holds its inputs, not its result)");
            return node;
        }

        protected override Expression VisitInvocation(InvocationExpression node)
        {
            var target = node.Expression;
            while (target is UnaryExpression { NodeType: ExpressionType.Quote } quote)
            {
                target = quote.Operand;
            }

            if (target is LambdaExpression)
            {
                return base.VisitInvocation(node); // an inline lambda: its body is part of the tree, and of the key
            }

            // A delegate: the key holds the delegate object, not what it returns when the query runs.
            analyzer.Refuse(RefusalReason.NonDeterministic, "invoking delegate " + Determinism.Describe(target) + " is not deterministic");
            return node;
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (analyzer.IsNonDeterministic(node.Member))
            {
                analyzer.Refuse(RefusalReason.NonDeterministic, Determinism.Describe(node.Member) + " is not deterministic");
                return node;
            }

            if (node.Expression is not null && !ClientExpression.IsValueChain(node.Expression) && ClientExpression.IsClientOnly(node))
            {
                // Read on the client from an object reached by a call, an index or a conversion: the key holds that object as
                // its value hasher sees it, which must cover the member (TryEvaluate checks every hop).
                if (!analyzer.TryEvaluate(node, out _))
                {
                    analyzer.Refuse(RefusalReason.NonDeterministic, Determinism.Describe(node.Member) + " is read on the client from a value the cache key may not hold");
                }

                return node;
            }

            if (IsSequence(node.Type) && analyzer.TryEvaluate(node, out var value))
            {
                if (value is IQueryable)
                {
                    analyzer.ProcessChain(node, _env, analyzer.NewScope(), isMainChain: false);
                }

                return node;
            }

            // Resolving creates the occurrence of a navigation, so the table it reaches becomes a dependency.
            analyzer.ResolveBinding(node, _env, scope);
            return base.VisitMember(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IQueryable)
            {
                analyzer.ProcessChain(node, _env, analyzer.NewScope(), isMainChain: false);
            }

            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            if (analyzer._dialect is not null && analyzer._dialect.TryGetTableRoot(node, analyzer._model, out _))
            {
                analyzer.ProcessChain(node, _env, analyzer.NewScope(), isMainChain: false);
                return node;
            }

            analyzer.Refuse(RefusalReason.UnsupportedOperator, "unknown expression node " + node.GetType().Name);
            return node;
        }
    }
}

using System.Linq.Expressions;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Turns a query expression into dependencies: the tables it reads and, per table occurrence, the equality
/// constraints that rows must meet to matter (DESIGN "Model"). One instance per analysis; runs on misses only.
/// </summary>
/// <remarks>
/// Soundness rules, each of which only ever weakens a constraint: a predicate narrows an occurrence only when it is
/// applied in the same chain scope (subqueries get their own scope), before any operator that makes row membership
/// depend on other rows (<c>Take</c>, <c>Skip</c>, ...); exclusions, ranges and unknown predicates constrain nothing;
/// disjunctions and cross products beyond their bounds collapse to "any row". Anything that cannot be identified (a
/// table, a client-side value the key does not hold) refuses the query, which then runs uncached.
/// </remarks>
internal sealed partial class QueryAnalyzer
{
    private readonly IEntityModel _model;
    private readonly IQueryDialect? _dialect;
    private readonly AnalysisSettings _settings;
    private readonly List<Occurrence> _occurrences = [];
    private readonly List<Dnf> _formulas = [];
    private readonly List<ClientEvaluation>? _evaluations;
    private int _evaluationDepth;
    private int _nextScope;
    private RefusalReason _refusal;
    private string? _refusalDetail;

    private QueryAnalyzer(IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings, List<ClientEvaluation>? evaluations = null)
    {
        _model = model;
        _dialect = dialect;
        _settings = settings;
        _evaluations = evaluations;
    }

    /// <summary>Analyses <paramref name="expression"/>.</summary>
    /// <param name="expression">The query.</param>
    /// <param name="model">The entity model.</param>
    /// <param name="dialect">The provider's dialect, if any.</param>
    /// <param name="settings">Bounds, granularity, ignored tables and paths.</param>
    /// <param name="evaluations">
    /// When given, receives every client value the analysis read (each outermost evaluation, in order, failed ones too, and
    /// constants read as query sources): what an <see cref="AnalysisPlan"/> must find again to reuse the analysis.
    /// </param>
    public static QueryAnalysis Analyze(
        Expression expression, IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings, List<ClientEvaluation>? evaluations = null)
    {
        var analyzer = new QueryAnalyzer(model, dialect, settings, evaluations);
        try
        {
            analyzer.ProcessChain(expression, null, analyzer.NewScope(), isMainChain: true);
            analyzer.ExpandQueryFilters();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or InvalidCastException
            or System.Reflection.TargetInvocationException or NullReferenceException)
        {
            analyzer.Refuse(RefusalReason.UnsupportedOperator, "analysis failed: " + ex.GetType().Name);
        }

        if (analyzer._refusal != RefusalReason.None)
        {
            return QueryAnalysis.Refused(analyzer._refusal, analyzer._refusalDetail ?? string.Empty);
        }

        var tables = new List<TableModel>();
        foreach (var occurrence in analyzer._occurrences)
        {
            if (!tables.Contains(occurrence.Table))
            {
                tables.Add(occurrence.Table);
            }
        }

        var masks = ColumnUsage.Compute(expression, tables, dialect, model);
        return DependencyBuilder.Build(analyzer._occurrences, analyzer._formulas, settings, masks);
    }

    /// <summary>
    /// Tells why a query whose key could not be computed is not cached: the analyser's non-determinism finding
    /// (<c>DateTime.Now</c> is read by the key walk too, and makes the key unusable) or, failing that, <see cref="RefusalReason.Unhashable"/>.
    /// </summary>
    public static (RefusalReason Reason, string Detail) ExplainUnhashable(Expression expression, IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings)
    {
        var analysis = Analyze(expression, model, dialect, settings);
        return analysis.Refusal == RefusalReason.NonDeterministic
            ? (analysis.Refusal, analysis.Detail ?? string.Empty)
            : (RefusalReason.Unhashable, "the expression holds nodes or values that cannot be keyed");
    }

    /// <summary>
    /// Evaluates client values as the analysis would (same checks), with a scratch analyzer: <paramref name="refused"/> tells
    /// whether any evaluation met something the analysis refuses (a non-deterministic member, a value the key does not hold).
    /// </summary>
    internal static bool[] EvaluateDetached(
        ReadOnlySpan<Expression> nodes, Span<object?> values, IEntityModel model, IQueryDialect? dialect, AnalysisSettings settings, out bool refused)
    {
        var analyzer = new QueryAnalyzer(model, dialect, settings);
        var evaluated = new bool[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            evaluated[i] = analyzer.TryEvaluate(nodes[i], out values[i]);
        }

        refused = analyzer._refusal != RefusalReason.None;
        return evaluated;
    }

    private int NewScope() => _nextScope++;

    private void Refuse(RefusalReason reason, string detail)
    {
        if (_refusal == RefusalReason.None)
        {
            _refusal = reason;
            _refusalDetail = detail;
        }
    }

    private Occurrence NewRoot(TableModel table, int scope, bool isMainChain)
    {
        var occurrence = new Occurrence(table, scope, null, null, isMainChain ? string.Empty : null);
        _occurrences.Add(occurrence);
        return occurrence;
    }

    internal static LambdaExpression? GetLambda(Expression argument) =>
        argument is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand as LambdaExpression : argument as LambdaExpression;

    private static void MarkOptional(Binding binding) => Binding.MarkOptional(binding);

    private static void Freeze(Binding binding) => Binding.Freeze(binding);
}

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Shorthands for declaring shapes.</summary>
public static class Shape
{
    /// <summary>A synchronous shape.</summary>
    public static MatrixShape S(string family, string name, Func<MatrixContext, object?> run, bool ordered = false) =>
        new(family, name, (context, _) => Task.FromResult(run(context)), ordered);

    /// <summary>An asynchronous shape.</summary>
    public static MatrixShape A(string family, string name, Func<MatrixContext, CancellationToken, Task<object?>> run, bool ordered = false) =>
        new(family, name, run, ordered);

    /// <summary>Every shape of the matrix, by family.</summary>
    public static IEnumerable<MatrixShape> All() =>
        ProjectionShapes.Create()
            .Concat(AggregateShapes.Create())
            .Concat(GroupByShapes.Create())
            .Concat(JoinShapes.Create())
            .Concat(SetShapes.Create())
            .Concat(SubqueryShapes.Create())
            .Concat(OrderingShapes.Create())
            .Concat(NavigationShapes.Create())
            .Concat(MemberShapes.Create())
            .Concat(InListShapes.Create())
            .Concat(AsyncShapes.Create());
}

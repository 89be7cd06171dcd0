using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>Aggregates: Sum, Min, Max, Average over every column type, with and without selectors, All, Count with a predicate.</summary>
public static class AggregateShapes
{
    private const string F = "aggregate";

    public static IEnumerable<MatrixShape> Create() =>
    [
        S(F, "Sum(int) of user 1", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Sum(x => x.Status)),
        S(F, "Sum(decimal)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Sum(x => x.Score)),
        S(F, "Sum(double)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Sum(x => x.Rating)),
        S(F, "Sum(int?)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Sum(x => x.AlbumId)),
        S(F, "Select(int).Sum()", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Select(x => x.Id).Sum()),
        S(F, "Min(string)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Min(x => x.Title)),
        S(F, "Max(DateTime)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Max(x => x.Taken)),
        S(F, "Max(DateOnly)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Max(x => x.Day)),
        S(F, "Max(int?) nullable cast", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Max(x => (int?)x.Id)),
        S(F, "Min(decimal)", c => c.Q<MxPhoto>().Where(x => x.Status == 1).Min(x => x.Score)),
        S(F, "Average(int)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Average(x => x.Status)),
        S(F, "Average(double)", c => c.Q<MxPhoto>().Where(x => x.UserId == 1).Average(x => x.Rating)),
        S(F, "Average of empty (throws)", c => c.Q<MxPhoto>().Where(x => x.Id > 1000).Average(x => x.Status)),
        S(F, "Max of empty int (throws)", c => c.Q<MxPhoto>().Where(x => x.Id > 1000).Max(x => x.Status)),
        S(F, "Count(predicate)", c => c.Q<MxPhoto>().Count(x => x.UserId == 1 && x.Status == 1)),
        S(F, "LongCount(predicate)", c => c.Q<MxPhoto>().LongCount(x => x.IsPublic)),
        S(F, "All(predicate)", c => c.Q<MxPhoto>().All(x => x.Status < 3)),
        S(F, "Any(predicate)", c => c.Q<MxPhoto>().Any(x => x.Title == "p20")),
        S(F, "Count over whole table", c => c.Q<MxPhoto>().Count()),
        S(F, "Count of users", c => c.Q<MxUser>().Count(u => u.Email != null)),
    ];
}

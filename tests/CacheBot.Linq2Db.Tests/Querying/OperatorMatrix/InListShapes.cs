using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>In lists: arrays, lists, HashSet, IEnumerable, strings, enums, negation, empty.</summary>
public static class InListShapes
{
    private const string F = "in-list";

    public static IEnumerable<MatrixShape> Create()
    {
        var array = new[] { 1, 4, 20 };
        var list = new List<int> { 2, 4 };
        var set = new HashSet<int> { 1, 3 };
        IEnumerable<int> sequence = new[] { 1, 5 }.Select(x => x);
        var titles = new[] { "p1", "p4", "zz" };
        var kinds = new[] { MxKind.Raw, MxKind.Final };
        var empty = Array.Empty<int>();
        yield return S(F, "int[] Contains", c => c.Q<MxPhoto>().Where(p => array.Contains(p.Id)).Select(p => p.Title).ToList());
        yield return S(F, "List<int> Contains", c => c.Q<MxPhoto>().Where(p => list.Contains(p.UserId)).Select(p => p.Id).ToList());
        yield return S(F, "HashSet<int> Contains", c => c.Q<MxPhoto>().Where(p => set.Contains(p.UserId) && p.IsPublic).Select(p => p.Id).ToList());
        yield return S(F, "IEnumerable<int> Contains", c => c.Q<MxPhoto>().Where(p => sequence.Contains(p.UserId)).Select(p => p.Id).ToList());
        yield return S(F, "string[] Contains", c => c.Q<MxPhoto>().Where(p => titles.Contains(p.Title)).Select(p => p.Id).ToList());
        yield return S(F, "enum[] Contains", c => c.Q<MxPhoto>().Where(p => kinds.Contains(p.Kind) && p.UserId == 1).Select(p => p.Id).ToList());
        yield return S(F, "not Contains", c => c.Q<MxPhoto>().Where(p => !array.Contains(p.Id)).Select(p => p.Id).ToList());
        yield return S(F, "empty Contains", c => c.Q<MxPhoto>().Where(p => empty.Contains(p.Id) || p.Id == 20).Select(p => p.Id).ToList());
        yield return S(F, "inline array", c => c.Q<MxPhoto>().Where(p => new[] { 2, 7 }.Contains(p.Status)).Select(p => p.Id).ToList());
        yield return S(F, "Contains or equality", c => c.Q<MxPhoto>().Where(p => list.Contains(p.Id) || p.UserId == 3).Select(p => p.Id).ToList());
    }
}

using static CacheBot.Linq2Db.Tests.Querying.OperatorMatrix.Shape;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

#pragma warning disable CA1304, CA1311, CA1862, CA1309, CA1310 // string members on columns run in the database, not in .NET

/// <summary>Members and column types: strings, dates, nullables, enums, Guid, decimal, double, bool.</summary>
public static class MemberShapes
{
    public static IEnumerable<MatrixShape> Create()
    {
        const string s = "string";
        var title = "p4";
        var prefix = "p2";
        yield return S(s, "StartsWith literal", c => c.Q<MxPhoto>().Where(p => p.Title.StartsWith('z')).Select(p => p.Id).ToList());
        yield return S(s, "StartsWith captured", c => c.Q<MxPhoto>().Where(p => p.Title.StartsWith(prefix)).Select(p => p.Id).ToList());
        yield return S(s, "Contains", c => c.Q<MxPhoto>().Where(p => p.Title.Contains('z')).Select(p => p.Id).ToList());
        yield return S(s, "EndsWith", c => c.Q<MxPhoto>().Where(p => p.Title.EndsWith('0')).Select(p => p.Id).ToList());
        yield return S(s, "Length", c => c.Q<MxPhoto>().Where(p => p.Title.Length == 2).Select(p => p.Id).ToList());
        yield return S(s, "ToUpper on column (translated)", c => c.Q<MxPhoto>().Where(p => p.Title.ToUpper() == "P4").Select(p => p.Id).ToList());
        yield return S(s, "ToLower in projection", c => c.Q<MxUser>().Select(u => u.Name.ToLower()).ToList());
        yield return S(s, "== literal", c => c.Q<MxPhoto>().Where(p => p.Title == "p4").Select(p => p.Id).ToList());
        yield return S(s, "== captured", c => c.Q<MxPhoto>().Where(p => p.Title == title).Select(p => p.Id).ToList());
        yield return S(s, "string.Equals", c => c.Q<MxPhoto>().Where(p => string.Equals(p.Title, title)).Select(p => p.Id).ToList());
        yield return S(s, "IsNullOrEmpty", c => c.Q<MxUser>().Where(u => string.IsNullOrEmpty(u.Email)).Select(u => u.Id).ToList());
        yield return S(s, "concatenation in projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Title + "-" + p.Status).ToList());

        const string d = "date";
        var since = new DateTime(2024, 1, 6, 0, 0, 0);
        var day = new DateOnly(2024, 2, 3);
        yield return S(d, "DateTime.Year, Day", c => c.Q<MxPhoto>().Where(p => p.Taken.Year == 2024 && p.Taken.Day < 5).Select(p => p.Id).ToList());
        yield return S(d, "DateTime > captured", c => c.Q<MxPhoto>().Where(p => p.Taken > since).Select(p => p.Id).ToList());
        yield return S(d, "DateTime == captured", c => c.Q<MxPhoto>().Where(p => p.Taken == new DateTime(2024, 1, 3, 10, 30, 0)).Select(p => p.Id).ToList());
        yield return S(d, "DateTime.Date", c => c.Q<MxPhoto>().Where(p => p.Taken.Date == new DateTime(2024, 1, 3)).Select(p => p.Id).ToList());
        yield return S(d, "AddDays in filter", c => c.Q<MxPhoto>().Where(p => p.Taken.AddDays(2) < since).Select(p => p.Id).ToList());
        yield return S(d, "DateOnly == captured", c => c.Q<MxPhoto>().Where(p => p.Day == day).Select(p => p.Id).ToList());
        yield return S(d, "DateOnly members", c => c.Q<MxPhoto>().Where(p => p.Day.Day > 9).Select(p => new { p.Id, p.Day }).ToList());

        const string n = "nullable";
        int? album = 2;
        yield return S(n, "== null", c => c.Q<MxPhoto>().Where(p => p.AlbumId == null).Select(p => p.Id).ToList());
        yield return S(n, "!= null", c => c.Q<MxPhoto>().Where(p => p.AlbumId != null).Select(p => p.Id).ToList());
        yield return S(n, "HasValue", c => c.Q<MxPhoto>().Where(p => p.AlbumId.HasValue && p.AlbumId.Value == 2).Select(p => p.Id).ToList());
        yield return S(n, "?? in projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.AlbumId ?? -1).ToList());
        yield return S(n, "== captured int?", c => c.Q<MxPhoto>().Where(p => p.AlbumId == album).Select(p => p.Id).ToList());
        yield return S(n, "== captured null", c =>
        {
            int? none = null;
            return c.Q<MxPhoto>().Where(p => p.AlbumId == none).Select(p => p.Id).ToList();
        });
        yield return S(n, "nullable string == null", c => c.Q<MxUser>().Where(u => u.Email == null).Select(u => u.Id).ToList());

        const string t = "types";
        var kind = MxKind.Edited;
        var uid = new Guid(4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        var score = 5m;
        var isPublic = true;
        yield return S(t, "enum == literal", c => c.Q<MxPhoto>().Where(p => p.Kind == MxKind.Final).Select(p => p.Id).ToList());
        yield return S(t, "enum == captured", c => c.Q<MxPhoto>().Where(p => p.Kind == kind).Select(p => p.Id).ToList());
        yield return S(t, "enum projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Kind).ToList());
        yield return S(t, "Guid == captured", c => c.Q<MxPhoto>().Where(p => p.Uid == uid).Select(p => p.Title).ToList());
        yield return S(t, "Guid projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Uid).ToList());
        yield return S(t, "decimal == literal", c => c.Q<MxPhoto>().Where(p => p.Score == 5m).Select(p => p.Id).ToList());
        yield return S(t, "decimal > captured", c => c.Q<MxPhoto>().Where(p => p.Score > score).Select(p => p.Id).ToList());
        yield return S(t, "double == literal", c => c.Q<MxPhoto>().Where(p => p.Rating == 2.0).Select(p => p.Id).ToList());
        yield return S(t, "double arithmetic", c => c.Q<MxPhoto>().Where(p => p.Rating * 2 > 10).Select(p => p.Id).ToList());
        yield return S(t, "bool column", c => c.Q<MxPhoto>().Where(p => p.IsPublic).Select(p => p.Id).ToList());
        yield return S(t, "!bool column", c => c.Q<MxPhoto>().Where(p => !p.IsPublic && p.UserId == 1).Select(p => p.Id).ToList());
        yield return S(t, "bool == captured", c => c.Q<MxPhoto>().Where(p => p.IsPublic == isPublic && p.Status == 0).Select(p => p.Id).ToList());
        yield return S(t, "arithmetic on int", c => c.Q<MxPhoto>().Where(p => p.Id % 4 == 3).Select(p => p.Id).ToList());
        yield return S(t, "conditional in projection", c => c.Q<MxPhoto>().Where(p => p.UserId == 1).Select(p => p.Status == 1 ? "one" : "other").ToList());
    }
}

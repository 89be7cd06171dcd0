using System.Linq.Expressions;

namespace CacheBot.Linq.Tests.Keys;

/// <summary>
/// Builds query trees over LINQ-to-Objects sources. Every method captures its arguments in a fresh closure, so two calls
/// give independently built trees with independent closure objects.
/// </summary>
public static class KeyTestTrees
{
    public static readonly IQueryable<Photo> Photos = new List<Photo>().AsQueryable();

    public static readonly IQueryable<KeyTestUser> Users = new List<KeyTestUser>().AsQueryable();

    public static Expression UserEquals(int userId) => Photos.Where(p => p.UserId == userId).Expression;

    public static Expression UserNotEquals(int userId) => Photos.Where(p => p.UserId != userId).Expression;

    public static Expression StatusEquals(int status) => Photos.Where(p => p.Status == status).Expression;

    public static Expression UserAndStatus(int userId, int status) =>
        Photos.Where(p => p.UserId == userId && p.Status == status).Expression;

    public static Expression UserOrStatus(int userId, int status) =>
        Photos.Where(p => p.UserId == userId || p.Status == status).Expression;

    public static Expression IdInArray(int[] ids) => Photos.Where(p => ids.Contains(p.Id)).Expression;

    public static Expression IdInList(List<int> ids) => Photos.Where(p => ids.Contains(p.Id)).Expression;

    public static Expression IdInSet(HashSet<int> ids) => Photos.Where(p => ids.Contains(p.Id)).Expression;

    public static Expression ViewsEqual(long views) => Photos.Where(p => p.Views == views).Expression;

    public static Expression TitleEquals(string? title) => Photos.Where(p => p.Title == title).Expression;

    public static Expression KindEquals(PhotoKind kind) => Photos.Where(p => p.Kind == kind).Expression;

    public static Expression AlbumEquals(int? albumId) => Photos.Where(p => p.AlbumId == albumId).Expression;

    public static Expression UidEquals(Guid uid) => Photos.Where(p => p.Uid == uid).Expression;

    public static Expression TakenEquals(DateTime taken) => Photos.Where(p => p.Taken == taken).Expression;

    public static Expression PriceEquals(decimal price) => Photos.Where(p => p.Price == price).Expression;

    public static Expression SameUser(KeyTestUser user) => Users.Where(u => u == user).Expression;

    public static Expression WithSubquery(int userId)
    {
        var mine = Photos.Where(s => s.UserId == userId);
        return Photos.Where(p => mine.Any(s => s.Id == p.Id)).Expression;
    }

    public static Expression OverSource(IQueryable<Photo> source, int id) => source.Where(p => p.Id == id).Expression;

    /// <summary>A lambda in a nested scope: the compiler chains an inner display class to the outer one.</summary>
    public static Expression NestedScopes(int userId, int status)
    {
        Expression? result = null;
        for (var i = 0; i < 1; i++)
        {
            var inner = status + i;
            result = Photos.Where(p => p.UserId == userId && p.Status == inner).Expression;
        }

        return result!;
    }

    /// <summary>A lambda inside a local function that captures both the local function's parameter and the outer one.</summary>
    public static Expression InLocalFunction(int userId, int status)
    {
        return Build(status);

        Expression Build(int s) => Photos.Where(p => p.UserId == userId && p.Status == s).Expression;
    }

    /// <summary>Builds the tree for one of the named shapes used by the allocation tests.</summary>
    public static Expression Shape(string shape) => shape switch
    {
        "==" => UserEquals(7),
        "!=" => UserNotEquals(7),
        "&&" => UserAndStatus(7, 2),
        "||" => UserOrStatus(7, 2),
        "Contains int[]" => IdInArray([1, 2, 3]),
        "Contains List<int>" => IdInList([1, 2, 3]),
        "Contains HashSet<int>" => IdInSet([1, 2, 3]),
        "long" => ViewsEqual(10_000_000_000L),
        "string" => TitleEquals("sunset"),
        "enum" => KindEquals(PhotoKind.Portrait),
        "int?" => AlbumEquals(3),
        "Guid" => UidEquals(new Guid("8f4c1e1e-6a34-4c5e-9d55-2f0d7d0c9b01")),
        "DateTime" => TakenEquals(new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc)),
        "decimal" => PriceEquals(9.99m),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown shape."),
    };
}

using LinqToDB;

namespace CacheBot.Demo;

/// <summary>Parameters of one query: a few ints, a string and an id list, with a stable text key.</summary>
public sealed record QueryArgs(int A = 0, int B = 0, string? S = null, int[]? Ids = null)
{
    public string Key => $"A={A};B={B};S={S};Ids={(Ids is null ? "" : string.Join(',', Ids))}";

    public override string ToString() => Key;
}

/// <summary>A query the workload runs: how to draw its parameters, and how to run it in any <see cref="RunMode"/>.</summary>
public sealed record QueryShape(string Name, int Weight, Func<WorkloadState, QueryArgs> NextArgs, Func<Tables, QueryArgs, object?> Run);

/// <summary>The read mix: about 16 shapes of a photo-sharing site, with Zipf-distributed (hot) parameters.</summary>
public static class QueryShapes
{
    public static IReadOnlyList<QueryShape> All { get; } =
    [
        new("photo by id (get)", 16, s => new(s.HotPhoto()), static (t, a) =>
        {
            var id = a.A;
            return t.Get(t.Photos).FirstOrDefault(p => p.Id == id);
        }),
        new("user by id (get)", 8, s => new(s.HotUser()), static (t, a) =>
        {
            var id = a.A;
            return t.Get(t.Users).FirstOrDefault(u => u.Id == id);
        }),
        new("photos by user+status", 12, s => new(s.HotUser(), s.Status()), static (t, a) =>
        {
            int userId = a.A, status = a.B;
            return t.C(t.Photos).Where(p => p.UserId == userId && p.Status == status).ToList();
        }),
        new("photos by user name (navigation, Cache(p => p.User))", 6, s => new(S: s.UserNameToQuery()), static (t, a) =>
        {
            var name = a.S;
            return t.C(t.Photos, p => p.User).Where(p => p.User!.Name == name && p.Status == 1).ToList();
        }),
        new("comments by author name (Cache(\"User\"))", 4, s => new(S: s.UserNameToQuery()), static (t, a) =>
        {
            var name = a.S;
            return t.C(t.Comments, "User").Where(c => c.User!.Name == name).ToList();
        }),
        new("album photos (join, projection)", 6, s => new(s.HotAlbum()), static (t, a) =>
        {
            var albumId = a.A;
            return (from p in t.C(t.Photos)
                    join al in t.Albums on p.AlbumId equals al.Id
                    where al.Id == albumId && p.Status != 3
                    select new { p.Id, p.Title, Album = al.Title, al.IsPublic }).ToList();
        }),
        new("top comments with author (join, order, take)", 6, s => new(s.HotPhoto()), static (t, a) =>
        {
            var photoId = a.A;
            return (from c in t.C(t.Comments)
                    join u in t.Users on c.UserId equals u.Id
                    where c.PhotoId == photoId
                    orderby c.Score descending, c.Id
                    select new { c.Id, c.Body, c.Score, Author = u.Name }).Take(5).ToList();
        }),
        new("published photos in album (Count)", 8, s => new(s.HotAlbum()), static (t, a) =>
        {
            var albumId = a.A;
            return t.C(t.Photos).Count(p => p.AlbumId == albumId && p.Status == 1);
        }),
        new("photo summaries of user (projection)", 6, s => new(s.HotUser()), static (t, a) =>
        {
            var userId = a.A;
            return t.C(t.Photos).Where(p => p.UserId == userId).Select(p => new { p.Id, p.Title, p.Likes }).ToList();
        }),
        new("photos by id list (Contains)", 5, s => new(Ids: s.GalleryPage()), static (t, a) =>
        {
            var ids = a.Ids!;
            return t.C(t.Photos).Where(p => ids.Contains(p.Id)).ToList();
        }),
        new("featured feed of followed users (Contains + status)", 5, s => new(Ids: s.FolloweesOfHotViewer()), static (t, a) =>
        {
            var userIds = a.Ids!.ToList();
            return t.C(t.Photos).Where(p => userIds.Contains(p.UserId) && p.Status == 2).ToList();
        }),
        new("albums of user with photos (LoadWith collection)", 4, s => new(s.HotUser()), static (t, a) =>
        {
            var userId = a.A;
            return t.C(t.Albums).LoadWith(al => al.Photos).Where(al => al.UserId == userId).ToList();
        }),
        new("album photos with owner (LoadWith reference)", 4, s => new(s.HotAlbum()), static (t, a) =>
        {
            var albumId = a.A;
            return t.C(t.Photos).LoadWith(p => p.User).Where(p => p.AlbumId == albumId).ToList();
        }),
        new("user photos with tag (Any subquery)", 4, s => new(s.HotUser(), s.HotTag()), static (t, a) =>
        {
            int userId = a.A, tagId = a.B;
            var photoTags = t.PhotoTags;
            return t.C(t.Photos).Where(p => p.UserId == userId && photoTags.Any(pt => pt.PhotoId == p.Id && pt.TagId == tagId)).Select(p => p.Id).ToList();
        }),
        new("active users in country (Count)", 3, s => new(S: s.Country()), static (t, a) =>
        {
            var country = a.S;
            return t.C(t.Users).Count(u => u.Country == country && u.IsActive);
        }),
        new("likes of user's visible photos (Sum)", 3, s => new(s.HotUser()), static (t, a) =>
        {
            var userId = a.A;
            return t.C(t.Photos).Where(p => p.UserId == userId && p.Status != 0).Sum(p => (int?)p.Likes);
        }),
        new("user's photos by tag name (3-table join)", 3, s => new(s.HotUser(), S: s.TagName()), static (t, a) =>
        {
            var userId = a.A;
            var tagName = a.S;
            return (from pt in t.C(t.PhotoTags)
                    join tg in t.Tags on pt.TagId equals tg.Id
                    join p in t.Photos on pt.PhotoId equals p.Id
                    where tg.Name == tagName && p.UserId == userId
                    select new { p.Id, p.Title, Tag = tg.Name }).ToList();
        }),
    ];
}

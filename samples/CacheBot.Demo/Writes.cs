using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Demo;

/// <summary>A write the workload makes through the cached connection; returns a description for the write log.</summary>
public sealed record WriteShape(string Name, int Weight, Func<Tables, WorkloadState, string> Run);

/// <summary>
/// The write mix: entity updates that move rows between filters, inserts, deletes, LINQ DML, and transactions that
/// commit or roll back. Every write goes through the connection configured with <c>UseCacheBot</c>.
/// </summary>
public static class Writes
{
    public static IReadOnlyList<WriteShape> All { get; } =
    [
        new("update photo status (db.Update)", 25, static (t, s) =>
        {
            var photo = LoadPhoto(t.Db, s.HotPhoto());
            if (photo is null)
            {
                return "no photo";
            }

            var old = photo.Status;
            photo.Status = (old + 1 + s.Rng.Next(3)) % 4;
            t.Db.Update(photo);
            return $"photo {photo.Id} status {old} -> {photo.Status}";
        }),
        new("move photo to another user and album (db.Update)", 8, static (t, s) =>
        {
            var photo = LoadPhoto(t.Db, s.HotPhoto());
            if (photo is null)
            {
                return "no photo";
            }

            var (oldUser, oldAlbum) = (photo.UserId, photo.AlbumId);
            photo.UserId = s.HotUser();
            photo.AlbumId = AlbumOf(t.Db, photo.UserId);
            t.Db.Update(photo);
            return $"photo {photo.Id} user {oldUser} -> {photo.UserId}, album {oldAlbum} -> {photo.AlbumId}";
        }),
        new("insert photo (db.InsertWithInt32Identity)", 10, static (t, s) =>
        {
            var userId = s.HotUser();
            var photo = new Photo
            {
                UserId = userId,
                AlbumId = AlbumOf(t.Db, userId),
                Title = $"new photo by {WorkloadState.BaseName(userId)}",
                Status = s.Status(),
                Likes = 0,
                CreatedAt = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Unspecified).AddSeconds(s.Rng.Next(1_000_000)),
            };
            photo.Id = t.Db.InsertWithInt32Identity(photo);
            s.PhotoInserted(photo.Id);
            return $"photo {photo.Id} inserted for user {userId}, album {photo.AlbumId}, status {photo.Status}";
        }),
        new("delete photo with its tags and comments (db.Delete + LINQ Delete)", 4, static (t, s) =>
        {
            var id = s.Rng.NextDouble() < 0.5 && s.InsertedPhotos.Count > 0
                ? s.InsertedPhotos[s.Rng.Next(s.InsertedPhotos.Count)]
                : 1 + s.Rng.Next(s.PhotoCount);
            var photo = LoadPhoto(t.Db, id);
            if (photo is null)
            {
                return $"photo {id} already gone";
            }

            var tags = t.Db.GetTable<PhotoTag>().Where(pt => pt.PhotoId == id).Delete();
            var comments = t.Db.GetTable<Comment>().Where(c => c.PhotoId == id).Delete();
            t.Db.Delete(photo);
            return $"photo {id} deleted (user {photo.UserId}, album {photo.AlbumId}) with {tags} tags, {comments} comments";
        }),
        new("rename user (db.Update)", 5, static (t, s) =>
        {
            var user = LoadUser(t.Db, s.HotUser());
            var old = user.Name;
            s.Renamed[user.Id] = !s.Renamed[user.Id];
            user.Name = s.CurrentName(user.Id);
            t.Db.Update(user);
            return $"user {user.Id} renamed {old} -> {user.Name}";
        }),
        new("toggle user active (db.Update)", 4, static (t, s) =>
        {
            var user = LoadUser(t.Db, s.HotUser());
            user.IsActive = !user.IsActive;
            t.Db.Update(user);
            return $"user {user.Id} ({user.Country}) active -> {user.IsActive}";
        }),
        new("like all photos of an album (LINQ Set().Update())", 8, static (t, s) =>
        {
            var albumId = s.HotAlbum();
            var n = t.Db.GetTable<Photo>().Where(p => p.AlbumId == albumId).Set(p => p.Likes, p => p.Likes + 1).Update();
            return $"album {albumId}: {n} photos liked";
        }),
        new("publish drafts of a user (LINQ Set().Update() on status)", 4, static (t, s) =>
        {
            var userId = s.HotUser();
            var n = t.Db.GetTable<Photo>().Where(p => p.UserId == userId && p.Status == 0).Set(p => p.Status, 1).Update();
            return $"user {userId}: {n} drafts published (status 0 -> 1)";
        }),
        new("tag or untag a photo (db.Insert / LINQ Delete)", 8, static (t, s) =>
        {
            int photoId = s.HotPhoto(), tagId = s.HotTag();
            var removed = t.Db.GetTable<PhotoTag>().Where(pt => pt.PhotoId == photoId && pt.TagId == tagId).Delete();
            if (removed == 0)
            {
                t.Db.Insert(new PhotoTag { PhotoId = photoId, TagId = tagId });
                return $"photo {photoId} tagged {tagId}";
            }

            return $"photo {photoId} untagged {tagId}";
        }),
        new("comment on a photo (db.InsertWithInt32Identity)", 8, static (t, s) =>
        {
            var comment = new Comment { PhotoId = s.HotPhoto(), UserId = s.HotUser(), Body = Seed.RandomComment(s.Rng), Score = s.Rng.Next(50) };
            comment.Id = t.Db.InsertWithInt32Identity(comment);
            return $"comment {comment.Id} on photo {comment.PhotoId} by user {comment.UserId}, score {comment.Score}";
        }),
        new("upvote a comment (LINQ Update(c => new Comment { ... }))", 5, static (t, s) =>
        {
            var photoId = s.HotPhoto();
            var n = t.Db.GetTable<Comment>().Where(c => c.PhotoId == photoId).Update(c => new Comment { Score = c.Score + 3 });
            return $"comments of photo {photoId}: {n} upvoted";
        }),
        new("raw SQL update (db.Execute)", 2, static (t, s) =>
        {
            var userId = s.HotUser();
            var n = t.Db.Execute("UPDATE demo_photos SET likes = likes + 2 WHERE user_id = @userId", new DataParameter("userId", userId));
            return $"user {userId}: {n} photos liked by raw SQL";
        }),
        new("bulk copy comments (db.BulkCopy, default type)", 2, static (t, s) =>
        {
            var photoId = s.HotPhoto();
            var comments = Enumerable.Range(0, 1 + s.Rng.Next(5))
                .Select(_ => new Comment { PhotoId = photoId, UserId = s.HotUser(), Body = Seed.RandomComment(s.Rng), Score = s.Rng.Next(50) })
                .ToList();
            var copied = t.Db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.Default }, comments);
            return $"photo {photoId}: {copied.RowsCopied} comments bulk-copied";
        }),
        new("transaction, committed: comment + like + feature", 5, static (t, s) =>
        {
            var photoId = s.HotPhoto();
            using var tx = t.Db.BeginTransaction();
            var comment = new Comment { PhotoId = photoId, UserId = s.HotUser(), Body = "featured!", Score = 10 };
            comment.Id = t.Db.InsertWithInt32Identity(comment);
            var liked = t.Db.GetTable<Photo>().Where(p => p.Id == photoId).Set(p => p.Likes, p => p.Likes + 10).Update();
            var photo = LoadPhoto(t.Db, photoId);
            if (photo is not null)
            {
                photo.Status = 2;
                t.Db.Update(photo);
            }

            tx.Commit();
            return $"tx commit: comment {comment.Id} on photo {photoId}, {liked} liked, featured={photo is not null}";
        }),
        new("transaction, rolled back: archive photo, rename user, delete comments", 4, static (t, s) =>
        {
            var photoId = s.HotPhoto();
            var userId = s.HotUser();
            using var tx = t.Db.BeginTransaction();
            var archived = t.Db.GetTable<Photo>().Where(p => p.Id == photoId).Set(p => p.Status, 3).Update();
            t.Db.GetTable<User>().Where(u => u.Id == userId).Set(u => u.Name, "rolled-back").Update();
            var deleted = t.Db.GetTable<Comment>().Where(c => c.PhotoId == photoId).Delete();

            // A cached read inside the transaction sees the uncommitted rows: it must neither be served from nor fill
            // the shared cache (it counts as a bypass).
            var inside = t.Get(t.Photos).FirstOrDefault(p => p.Id == photoId);
            var insideCount = t.C(t.Comments).Count(c => c.PhotoId == photoId);
            tx.Rollback();
            return $"tx rollback: photo {photoId} archived={archived} (seen inside: status {inside?.Status}), user {userId} renamed, {deleted} comments deleted (seen inside: {insideCount})";
        }),
    ];

    private static Photo? LoadPhoto(DataConnection db, int id) => db.GetTable<Photo>().FirstOrDefault(p => p.Id == id);

    private static User LoadUser(DataConnection db, int id) => db.GetTable<User>().First(u => u.Id == id);

    private static int AlbumOf(DataConnection db, int userId) =>
        db.GetTable<Album>().Where(a => a.UserId == userId).OrderBy(a => a.Id).Select(a => a.Id).First();
}

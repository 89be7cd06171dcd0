using LinqToDB.Mapping;

namespace CacheBot.Demo;

// The demo's schema: a small photo-sharing site. Associations are one-directional (child to parent) except
// Album.Photos, so results serialise without cycles for the freshness check.

/// <summary>A member of the site.</summary>
[Table("demo_users")]
public sealed class User
{
    [Column("id"), PrimaryKey, Identity] public int Id { get; set; }
    [Column("name", Length = 64), NotNull] public string Name { get; set; } = "";
    [Column("country", Length = 2), NotNull] public string Country { get; set; } = "";
    [Column("is_active")] public bool IsActive { get; set; }
    [Column("karma")] public int Karma { get; set; }
}

/// <summary>An album owned by a user.</summary>
[Table("demo_albums")]
public sealed class Album
{
    [Column("id"), PrimaryKey, Identity] public int Id { get; set; }
    [Column("user_id")] public int UserId { get; set; }
    [Column("title", Length = 100), NotNull] public string Title { get; set; } = "";
    [Column("is_public")] public bool IsPublic { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(Demo.User.Id), CanBeNull = false)]
    public User? User { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(Photo.AlbumId))]
    public List<Photo> Photos { get; set; } = [];
}

/// <summary>A photo in an album. Status: 0 draft, 1 published, 2 featured, 3 archived.</summary>
[Table("demo_photos")]
public sealed class Photo
{
    [Column("id"), PrimaryKey, Identity] public int Id { get; set; }
    [Column("user_id")] public int UserId { get; set; }
    [Column("album_id")] public int AlbumId { get; set; }
    [Column("title", Length = 100), NotNull] public string Title { get; set; } = "";
    [Column("status")] public int Status { get; set; }
    [Column("likes")] public int Likes { get; set; }
    [Column("created_at")] public DateTime CreatedAt { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(Demo.User.Id), CanBeNull = false)]
    public User? User { get; set; }

    [Association(ThisKey = nameof(AlbumId), OtherKey = nameof(Demo.Album.Id), CanBeNull = false)]
    public Album? Album { get; set; }
}

/// <summary>A tag.</summary>
[Table("demo_tags")]
public sealed class Tag
{
    [Column("id"), PrimaryKey, Identity] public int Id { get; set; }
    [Column("name", Length = 32), NotNull] public string Name { get; set; } = "";
}

/// <summary>Many-to-many link between photos and tags.</summary>
[Table("demo_photo_tags")]
public sealed class PhotoTag
{
    [Column("photo_id"), PrimaryKey(0)] public int PhotoId { get; set; }
    [Column("tag_id"), PrimaryKey(1)] public int TagId { get; set; }
}

/// <summary>A comment by a user on a photo.</summary>
[Table("demo_comments")]
public sealed class Comment
{
    [Column("id"), PrimaryKey, Identity] public int Id { get; set; }
    [Column("photo_id")] public int PhotoId { get; set; }
    [Column("user_id")] public int UserId { get; set; }
    [Column("body", Length = 200), NotNull] public string Body { get; set; } = "";
    [Column("score")] public int Score { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(Demo.User.Id), CanBeNull = false)]
    public User? User { get; set; }
}

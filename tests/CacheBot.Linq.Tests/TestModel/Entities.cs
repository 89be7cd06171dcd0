using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;

namespace CacheBot.Linq.Tests.TestModel;

public enum PhotoKind
{
    Landscape = 0,
    Portrait = 1,
    Square = 2,
}

[Table("Users")]
public sealed class User
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public int Age { get; set; }

    public bool IsActive { get; set; }

    /// <summary>Wired by <see cref="TestDb"/> only when it is asked to (the randomized test leaves it empty).</summary>
    public List<Photo> Photos { get; set; } = [];

    public User Clone() => (User)MemberwiseClone();
}

[Table("Albums")]
public sealed class Album
{
    public int Id { get; set; }

    public string Title { get; set; } = "";

    public Album Clone() => (Album)MemberwiseClone();
}

[Table("Photos")]
public sealed class Photo
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public User User { get; set; } = null!;

    public int Status { get; set; }

    public string Title { get; set; } = "";

    public int? AlbumId { get; set; }

    public Album? Album { get; set; }

    public PhotoKind Kind { get; set; }

    public bool IsPublic { get; set; }

    public int Likes { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public Photo Clone() => (Photo)MemberwiseClone();
}

[Table("Tags")]
public sealed class Tag
{
    public int Id { get; set; }

    public int PhotoId { get; set; }

    public string Name { get; set; } = "";

    public Tag Clone() => (Tag)MemberwiseClone();
}

[Table("Messages")]
public sealed class Message
{
    public int Id { get; set; }

    public int SenderId { get; set; }

    public User Sender { get; set; } = null!;

    public string Text { get; set; } = "";

    public bool IsRead { get; set; }

    public Message Clone() => (Message)MemberwiseClone();
}

[Table("Comments")]
public sealed class Comment
{
    public int Id { get; set; }

    public int MessageId { get; set; }

    public Message Message { get; set; } = null!;

    public string Text { get; set; } = "";

    public Comment Clone() => (Comment)MemberwiseClone();
}

/// <summary>An entity that opts out of get-caching by attribute.</summary>
[Table("AuditRecords")]
[CacheBotEntity(CacheGet = false)]
public sealed class AuditRecord
{
    [Key]
    public int RecordNo { get; set; }

    public string Text { get; set; } = "";
}

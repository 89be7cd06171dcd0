using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying;

[Table("User")]
public sealed class User
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = string.Empty;

    [Association(ThisKey = nameof(Id), OtherKey = nameof(Photo.UserId))]
    public List<Photo> Photos { get; set; } = [];
}

[Table("Photo")]
public sealed class Photo
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = string.Empty;

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(User.Id), CanBeNull = false)]
    public User User { get; set; } = null!;

    [Association(ThisKey = nameof(Id), OtherKey = nameof(Tag.PhotoId))]
    public List<Tag> Tags { get; set; } = [];
}

[Table("Tag")]
public sealed class Tag
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int PhotoId { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = string.Empty;
}

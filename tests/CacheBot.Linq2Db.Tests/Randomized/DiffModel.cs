using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Randomized;

[Table("DUser")]
public sealed class DUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public string Name { get; set; } = "";

    [Column]
    public int Level { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(DPhoto.UserId))]
    public List<DPhoto> Photos { get; set; } = [];
}

[Table("DPhoto")]
public sealed class DPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column]
    public string Title { get; set; } = "";

    [Column]
    public int? AlbumId { get; set; }

    [Column]
    public bool IsPublic { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(DUser.Id), CanBeNull = true)]
    public DUser? User { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(DTag.PhotoId))]
    public List<DTag> Tags { get; set; } = [];
}

[Table("DTag")]
public sealed class DTag
{
    [PrimaryKey]
    [Identity]
    public int Id { get; set; }

    [Column]
    public int PhotoId { get; set; }

    [Column]
    public string Name { get; set; } = "";
}

using LinqToDB.Mapping;

namespace CacheBot.Redis.Worker;

// Every row carries the version of the transaction that last wrote it: the value of RCounter that transaction took
// (a global counter, incremented inside the writing transaction, so versions commit in order).

[Table("RUser")]
public sealed class RUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public string Name { get; set; } = "";

    [Column]
    public int Level { get; set; }

    [Column]
    public long Version { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(RPhoto.UserId))]
    public List<RPhoto> Photos { get; set; } = [];
}

[Table("RPhoto")]
public sealed class RPhoto
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

    [Column]
    public long Version { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(RUser.Id), CanBeNull = true)]
    public RUser? User { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(RTag.PhotoId))]
    public List<RTag> Tags { get; set; } = [];
}

[Table("RTag")]
public sealed class RTag
{
    [PrimaryKey]
    [Identity]
    public int Id { get; set; }

    [Column]
    public int PhotoId { get; set; }

    [Column]
    public string Name { get; set; } = "";

    [Column]
    public long Version { get; set; }
}

[Table("RCounter")]
public sealed class RCounter
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public long Value { get; set; }
}

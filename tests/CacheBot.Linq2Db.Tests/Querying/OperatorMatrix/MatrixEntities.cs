using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

public enum MxKind
{
    Raw = 0,
    Edited = 1,
    Final = 2,
}

[Table("MxUser")]
public sealed class MxUser
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Column]
    public int Level { get; set; }

    [Column, Nullable]
    public string? Email { get; set; }

    [Association(ThisKey = nameof(Id), OtherKey = nameof(MxPhoto.UserId))]
    public List<MxPhoto> Photos { get; set; } = [];
}

[Table("MxPhoto")]
public sealed class MxPhoto
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";

    [Column, Nullable]
    public int? AlbumId { get; set; }

    [Column]
    public MxKind Kind { get; set; }

    [Column]
    public decimal Score { get; set; }

    [Column]
    public double Rating { get; set; }

    [Column]
    public bool IsPublic { get; set; }

    [Column]
    public DateTime Taken { get; set; }

    [Column]
    public DateOnly Day { get; set; }

    [Column]
    public Guid Uid { get; set; }

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(MxUser.Id), CanBeNull = false)]
    public MxUser User { get; set; } = null!;

    [Association(ThisKey = nameof(Id), OtherKey = nameof(MxTag.PhotoId))]
    public List<MxTag> Tags { get; set; } = [];
}

[Table("MxTag")]
public sealed class MxTag
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int PhotoId { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";

    [Association(ThisKey = nameof(PhotoId), OtherKey = nameof(MxPhoto.Id), CanBeNull = false)]
    public MxPhoto Photo { get; set; } = null!;
}

[Table("MxArchive")]
public sealed class MxArchive
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";
}

/// <summary>A projection target with settable members.</summary>
public sealed class PhotoDto
{
    public int Id { get; set; }

    public string Title { get; set; } = "";

    public string? UserName { get; set; }
}

/// <summary>A projection target built through its constructor.</summary>
public sealed record PhotoRecord(int Id, string Title);

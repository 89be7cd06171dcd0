using LinqToDB.Mapping;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>The benchmark entity: 10,000 rows over 100 users, about 33 rows per (UserId, Status) pair.</summary>
[Table("Photo")]
public sealed class Photo
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column]
    public int AlbumId { get; set; }

    [Column]
    public int Kind { get; set; }

    [Column]
    public long Views { get; set; }

    [Column]
    public DateTime Taken { get; set; }

    [Column(CanBeNull = false)]
    public string Title { get; set; } = "";

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(Fixtures.User.Id))]
    public User? User { get; set; }

    public Photo Clone() => (Photo)MemberwiseClone();
}

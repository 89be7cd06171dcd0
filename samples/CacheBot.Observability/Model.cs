using LinqToDB.Mapping;

namespace CacheBot.Observability;

/// <summary>A member of the site.</summary>
[Table("Users")]
public sealed class User
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Name { get; set; } = "";
}

/// <summary>A photo. Status: 1 published, 2 featured.</summary>
[Table("Photos")]
public sealed class Photo
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int UserId { get; set; }

    [Column]
    public int Status { get; set; }

    [Column, NotNull]
    public string Title { get; set; } = "";

    [Association(ThisKey = nameof(UserId), OtherKey = nameof(Observability.User.Id), CanBeNull = false)]
    public User User { get; set; } = null!;
}

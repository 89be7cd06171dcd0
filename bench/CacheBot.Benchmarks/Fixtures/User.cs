using LinqToDB.Mapping;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>The owner of photos (100 rows).</summary>
[Table("User")]
public sealed class User
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column(CanBeNull = false)]
    public string Name { get; set; } = "";
}

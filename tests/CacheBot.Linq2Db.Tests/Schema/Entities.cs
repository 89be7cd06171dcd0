using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

[Table("Item")]
public sealed class SItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Cat { get; set; }

    [Column]
    public string Name { get; set; } = string.Empty;
}

[Table("Other")]
public sealed class SOther
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Value { get; set; }
}

[Table("Audit")]
public sealed class SAudit
{
    [PrimaryKey, Identity]
    public int Id { get; set; }

    [Column]
    public int ItemId { get; set; }
}

/// <summary>A row of a view or materialized view over Item.</summary>
public sealed class SItemRow
{
    [Column]
    public int Id { get; set; }

    [Column]
    public int Cat { get; set; }

    [Column]
    public string Name { get; set; } = string.Empty;
}

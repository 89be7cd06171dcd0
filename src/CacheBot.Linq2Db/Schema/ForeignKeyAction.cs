namespace CacheBot.Linq2Db.Schema;

/// <summary>What a foreign key does to the child rows when the referenced key is deleted or changed.</summary>
internal enum ForeignKeyAction
{
    /// <summary>Nothing (<c>NO ACTION</c> or <c>RESTRICT</c>): the write fails instead when children exist.</summary>
    None = 0,

    /// <summary><c>CASCADE</c>: the child rows are deleted, or their key follows the new key.</summary>
    Cascade = 1,

    /// <summary><c>SET NULL</c>: the child rows' key columns become null.</summary>
    SetNull = 2,

    /// <summary><c>SET DEFAULT</c>: the child rows' key columns take their default.</summary>
    SetDefault = 3,
}

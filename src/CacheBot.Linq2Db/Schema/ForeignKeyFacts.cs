using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Schema;

/// <summary>A foreign key from <see cref="Child"/> to the table whose facts hold it.</summary>
/// <param name="Child">The referencing table.</param>
/// <param name="ChildColumns">The referencing columns, in key order.</param>
/// <param name="ParentColumns">The referenced columns of the parent, in the same order.</param>
/// <param name="OnDelete">The action on delete of a parent row.</param>
/// <param name="OnUpdate">The action on a change of a parent row's referenced columns.</param>
/// <param name="DeleteSetColumns">PostgreSQL 15 <c>ON DELETE SET NULL (cols)</c>: the only columns set; null means all child columns.</param>
internal sealed record ForeignKeyFacts(
    RelationRef Child, string[] ChildColumns, string[] ParentColumns, ForeignKeyAction OnDelete, ForeignKeyAction OnUpdate, string[]? DeleteSetColumns);

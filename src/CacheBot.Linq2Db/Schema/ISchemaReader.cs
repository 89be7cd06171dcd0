using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Schema;

/// <summary>Reads the facts of one relation from one dialect's catalog.</summary>
internal interface ISchemaReader
{
    /// <summary>Reads the facts of <paramref name="relation"/>; null when the catalog has no such relation.</summary>
    /// <param name="session">The connection to read on.</param>
    /// <param name="snapshot">The catalog snapshot (a reader may keep database-wide facts there).</param>
    /// <param name="relation">The relation as a statement or mapping names it (schema optional).</param>
    ValueTask<TableFacts?> ReadAsync(CatalogSession session, CatalogSnapshot snapshot, RelationRef relation);
}

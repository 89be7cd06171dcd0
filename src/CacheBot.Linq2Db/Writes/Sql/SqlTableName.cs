namespace CacheBot.Linq2Db.Writes.Sql;

/// <summary>A table named in SQL text: its schema when qualified, and its name (quotes removed).</summary>
internal readonly record struct SqlTableName(string? Schema, string Name);

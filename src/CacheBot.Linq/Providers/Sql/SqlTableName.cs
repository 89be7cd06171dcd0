namespace CacheBot.Linq.Providers.Sql;

/// <summary>A table named in SQL text: its schema when qualified, and its name (quotes removed).</summary>
public readonly record struct SqlTableName(string? Schema, string Name);

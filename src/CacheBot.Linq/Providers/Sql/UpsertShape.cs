namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// The parts of <c>INSERT INTO t (cols) VALUES (...), ... ON CONFLICT (key) DO UPDATE ...</c> needed to read the
/// conflicting rows first: the target table and key columns as written, the key columns' names, and for each VALUES row
/// the SQL text of the value given to each key column (a parameter or a literal).
/// </summary>
public sealed record UpsertShape(string TargetSql, IReadOnlyList<string> KeyColumnsSql, IReadOnlyList<string> KeyNames, IReadOnlyList<IReadOnlyList<string>> KeyValues);

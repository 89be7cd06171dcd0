using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Schema;

/// <summary>What the catalog says about one column.</summary>
/// <param name="Name">The column name as the database spells it.</param>
/// <param name="DeclaredType">The declared type (SQLite) or the formatted type (PostgreSQL).</param>
/// <param name="Matching">How the database compares the column's text with <c>=</c> (collation, padding, affinity).</param>
/// <param name="Default">The column default as a constant, when it is one (<see cref="HasConstantDefault"/>).</param>
/// <param name="HasConstantDefault">Whether <see cref="Default"/> is the column's default (null, a number or a string literal).</param>
internal sealed record ColumnFacts(string Name, string DeclaredType, StringMatching Matching, object? Default, bool HasConstantDefault);

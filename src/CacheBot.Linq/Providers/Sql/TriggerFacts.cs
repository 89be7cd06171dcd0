namespace CacheBot.Linq.Providers.Sql;

/// <summary>A trigger (or PostgreSQL rule) on a table: when it fires and which relations its body can write.</summary>
/// <param name="Events">The writes it fires on.</param>
/// <param name="Targets">The relations its body writes, or <see langword="null"/> when they cannot be known (a function body): the whole database.</param>
public sealed record TriggerFacts(WriteEvents Events, IReadOnlyList<RelationRef>? Targets);

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Which images of a row write bump a scheme's keys. An ordinary query depends on both: a row that leaves its filter
/// (old image) and one that enters it (new image). An existence test over one table (<c>Any(p =&gt; ...)</c> with a
/// predicate on the row's own columns) is monotone: a <see langword="true"/> answer turns false only when a matching row
/// leaves, a <see langword="false"/> one turns true only when a row arrives; such an entry holds the keys of one direction.
/// </summary>
internal enum SchemeDirection : byte
{
    /// <summary>Old and new images (every ordinary query).</summary>
    Both,

    /// <summary>Old images only: rows that were there and may have left (deletes, updates away).</summary>
    Removals,

    /// <summary>New images only: rows that may have arrived (inserts, updates into).</summary>
    Arrivals,
}

namespace CacheBot.Linq.Providers.Sql;

/// <summary>The kinds of <see cref="CatalogToken"/>.</summary>
internal enum CatalogTokenKind
{
    /// <summary>A bare or quoted identifier (also keywords).</summary>
    Identifier = 0,

    /// <summary>A plain single-quoted string literal.</summary>
    String = 1,

    /// <summary>A numeric literal.</summary>
    Number = 2,

    /// <summary>Punctuation or an operator, a parameter, or a form the catalog readers do not decode (<c>E'..'</c>, <c>$$..$$</c>, <c>U&amp;".."</c>).</summary>
    Punctuation = 3,
}

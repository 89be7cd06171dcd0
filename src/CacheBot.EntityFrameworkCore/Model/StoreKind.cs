namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>The databases whose comparison rules CacheBot knows (string collations, date and time precision, decimals).</summary>
internal enum StoreKind
{
    /// <summary>Another provider: strings, dates and decimals never narrow.</summary>
    Other = 0,

    /// <summary>Microsoft.EntityFrameworkCore.Sqlite.</summary>
    Sqlite,

    /// <summary>Npgsql.EntityFrameworkCore.PostgreSQL.</summary>
    PostgreSql,
}

/// <summary>Maps an EF provider name to a <see cref="StoreKind"/>.</summary>
internal static class StoreKinds
{
    public static StoreKind FromProviderName(string? providerName) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => StoreKind.Sqlite,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => StoreKind.PostgreSql,
        _ => StoreKind.Other,
    };
}

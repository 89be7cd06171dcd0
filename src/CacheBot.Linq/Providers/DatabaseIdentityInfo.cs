namespace CacheBot.Linq.Providers;

/// <summary>The resolved identity of a configuration's database (see <see cref="DatabaseIdentity"/>).</summary>
/// <param name="Id">The logical database name: provider name and a hash of the normalised connection string.</param>
/// <param name="Kind">Whether the connections share one database.</param>
/// <param name="DependsOnDirectory">Whether a relative path was resolved against the working directory.</param>
public readonly record struct DatabaseIdentityInfo(string Id, DatabaseKind Kind, bool DependsOnDirectory);

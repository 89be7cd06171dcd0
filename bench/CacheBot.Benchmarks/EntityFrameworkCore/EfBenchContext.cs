using Microsoft.EntityFrameworkCore;

namespace CacheBot.Benchmarks.EntityFrameworkCore;

/// <summary>The EF Core benchmark entity: the same photo rows as the linq2db benchmarks.</summary>
public sealed class EfPhoto
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public int Status { get; set; }

    public string Title { get; set; } = "";
}

/// <summary>A context over the benchmark photos.</summary>
public sealed class EfBenchContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<EfPhoto> Photos => Set<EfPhoto>();
}

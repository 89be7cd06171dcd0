using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

public enum PhotoKind
{
    Raw = 0,
    Edited = 1,
    Published = 2,
}

public sealed class User
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string? Email { get; set; }

    public PhotoKind Favourite { get; set; }

    public List<Photo> Photos { get; set; } = [];
}

public sealed class Photo
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public User? User { get; set; }

    public int? AlbumId { get; set; }

    public Album? Album { get; set; }

    public string Title { get; set; } = "";

    public int Status { get; set; }

    public PhotoKind Kind { get; set; }

    public DateTime Taken { get; set; }

    public decimal Price { get; set; }

    public double Score { get; set; }

    public Guid Key { get; set; }

    public bool IsPublic { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public List<Comment> Comments { get; set; } = [];
}

public sealed class Album
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Photo> Photos { get; set; } = [];
}

public sealed class Tag
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Photo> Photos { get; set; } = [];
}

public sealed class Comment
{
    public int Id { get; set; }

    public int PhotoId { get; set; }

    public Photo? Photo { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>The test model: users, photos (enum stored as text, many-to-many tags, cascading comments), albums (SET NULL).</summary>
public class ShopContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Photo> Photos => Set<Photo>();

    public DbSet<Album> Albums => Set<Album>();

    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<Comment> Comments => Set<Comment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Photo>().Property(p => p.Kind).HasConversion<string>();
        modelBuilder.Entity<Photo>().Property(p => p.Taken).HasConversion(v => DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        modelBuilder.Entity<Photo>().HasOne(p => p.Album).WithMany(a => a.Photos).OnDelete(DeleteBehavior.SetNull);
        modelBuilder.Entity<Photo>().HasMany(p => p.Comments).WithOne(c => c.Photo).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<User>().Property(u => u.Id).ValueGeneratedOnAdd();
    }

    /// <summary>Seeds <paramref name="users"/> users with <paramref name="photosPerUser"/> photos each (ids from 1), tags and albums.</summary>
    public static void Seed(ShopContext db, int users = 4, int photosPerUser = 5)
    {
        var tags = new[] { new Tag { Name = "sun" }, new Tag { Name = "sea" }, new Tag { Name = "sky" } };
        var albums = new[] { new Album { Name = "one" }, new Album { Name = "two" } };
        db.Tags.AddRange(tags);
        db.Albums.AddRange(albums);
        for (var u = 1; u <= users; u++)
        {
            var user = new User { Name = "user" + u, Email = u % 2 == 0 ? null : "u" + u + "@x", Favourite = (PhotoKind)(u % 3) };
            for (var p = 0; p < photosPerUser; p++)
            {
                user.Photos.Add(new Photo
                {
                    Title = "p" + u + "_" + p,
                    Status = p % 3,
                    Kind = (PhotoKind)(p % 3),
                    Taken = new DateTime(2024, 1, 1 + p, 0, 0, 0, DateTimeKind.Utc),
                    Price = 1.5m * p,
                    Score = p / 4.0,
                    Key = new Guid(u, (short)p, 0, new byte[8]),
                    IsPublic = p % 2 == 0,
                    Album = p % 2 == 0 ? albums[p % 4 / 2] : null,
                    Tags = [tags[p % 3]],
                    Comments = [new Comment { Text = "c" + p }],
                });
            }

            db.Users.Add(user);
        }

        db.SaveChanges();
        db.ChangeTracker.Clear();
    }
}

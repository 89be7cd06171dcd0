namespace CacheBot.Benchmarks.Fixtures;

/// <summary>Deterministic seed data shared by the SQLite database and the LINQ-to-Objects benchmarks.</summary>
public static class PhotoData
{
    public const int PhotoCount = 10_000;
    public const int UserCount = 100;
    public const int StatusCount = 3;
    public const int AlbumCount = 500;

    private static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Photo <paramref name="id"/> (1-based): user <c>(id-1) % 100 + 1</c>, status <c>((id-1) / 100) % 3</c>.</summary>
    public static Photo CreatePhoto(int id) => new()
    {
        Id = id,
        UserId = ((id - 1) % UserCount) + 1,
        Status = ((id - 1) / UserCount) % StatusCount,
        AlbumId = ((id - 1) % AlbumCount) + 1,
        Kind = id % 4,
        Views = id * 7L % 1000,
        Taken = Epoch.AddMinutes(id),
        Title = "photo " + id,
    };

    public static List<Photo> Photos(int count = PhotoCount)
    {
        var list = new List<Photo>(count);
        for (var id = 1; id <= count; id++)
        {
            list.Add(CreatePhoto(id));
        }

        return list;
    }

    public static List<User> Users()
    {
        var list = new List<User>(UserCount);
        for (var id = 1; id <= UserCount; id++)
        {
            list.Add(new User { Id = id, Name = "user " + id });
        }

        return list;
    }
}

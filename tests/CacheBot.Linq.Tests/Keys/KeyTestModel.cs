namespace CacheBot.Linq.Tests.Keys;

public enum PhotoKind
{
    Landscape,
    Portrait,
    Panorama,
}

public sealed class Photo
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public int Status { get; set; }

    public string Title { get; set; } = "";

    public PhotoKind Kind { get; set; }

    public int? AlbumId { get; set; }

    public Guid Uid { get; set; }

    public DateTime Taken { get; set; }

    public decimal Price { get; set; }

    public long Views { get; set; }
}

public sealed class KeyTestUser
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public PhotoKind FavouriteKind { get; set; }

    public List<Photo> Photos { get; } = [];
}

public sealed class KeyTestFilter
{
    public int UserId { get; set; }
}

public sealed class KeyTestFilterHolder
{
    public KeyTestFilter Filter { get; set; } = new();
}

public readonly record struct KeyTestPoint(int X, int Y);

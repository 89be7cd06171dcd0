namespace CacheBot.Demo;

/// <summary>What the workload knows about the data (ids, current names) and its random sources.</summary>
public sealed class WorkloadState
{
    private readonly Zipf _users;
    private readonly Zipf _albums;
    private readonly Zipf _photos;
    private readonly Zipf _tags;
    private readonly List<int> _insertedPhotos = [];

    public WorkloadState(DemoOptions options, SeedSummary seed)
    {
        Rng = new Random(options.Seed + 1);
        UserCount = seed.Users;
        AlbumCount = seed.Albums;
        PhotoCount = seed.Photos;
        TagCount = seed.Tags;
        _users = new Zipf(seed.Users, options.ZipfExponent);
        _albums = new Zipf(seed.Albums, options.ZipfExponent);
        _photos = new Zipf(seed.Photos, options.ZipfExponent);
        _tags = new Zipf(seed.Tags, options.ZipfExponent);
        Renamed = new bool[seed.Users + 1];
    }

    public Random Rng { get; }

    public int UserCount { get; }

    public int AlbumCount { get; }

    public int PhotoCount { get; }

    public int TagCount { get; }

    /// <summary>Gets, per user id, whether the user now carries the alternate name ("user00042~").</summary>
    public bool[] Renamed { get; }

    public IReadOnlyList<int> InsertedPhotos => _insertedPhotos;

    public static string BaseName(int userId) => $"user{userId:D5}";

    public static string AlternateName(int userId) => BaseName(userId) + "~";

    public string CurrentName(int userId) => Renamed[userId] ? AlternateName(userId) : BaseName(userId);

    public int HotUser() => _users.Next(Rng);

    public int HotAlbum() => _albums.Next(Rng);

    public int HotTag() => _tags.Next(Rng);

    /// <summary>A photo id: mostly Zipf over the seeded photos, sometimes one inserted during the run.</summary>
    public int HotPhoto() =>
        _insertedPhotos.Count > 0 && Rng.NextDouble() < 0.05
            ? _insertedPhotos[_insertedPhotos.Count - 1 - Math.Min(_insertedPhotos.Count - 1, _users.Next(Rng) - 1)]
            : _photos.Next(Rng);

    /// <summary>The photo ids of a "gallery page": a hot page number, each page a fixed pseudo-random set of photos.</summary>
    public int[] GalleryPage()
    {
        var page = new Random(HotUser());
        return Enumerable.Range(0, 2 + page.Next(5)).Select(_ => 1 + page.Next(PhotoCount)).Distinct().Order().ToArray();
    }

    /// <summary>The users a hot viewer follows: a fixed pseudo-random set per viewer, itself skewed to hot users.</summary>
    public int[] FolloweesOfHotViewer()
    {
        var viewer = new Random(-HotUser());
        return Enumerable.Range(0, 2 + viewer.Next(6)).Select(_ => _users.Next(viewer)).Distinct().Order().ToArray();
    }

    public int Status() => Rng.Next(4);

    public string Country() => Seed.Countries[Rng.Next(Seed.Countries.Length)];

    public string TagName() => Seed.TagNames[HotTag() - 1];

    /// <summary>A user name to search for: usually the current one, sometimes the other one (no rows until a rename).</summary>
    public string UserNameToQuery()
    {
        var id = HotUser();
        return Rng.NextDouble() < 0.8 ? CurrentName(id) : (Renamed[id] ? BaseName(id) : AlternateName(id));
    }

    public void PhotoInserted(int id) => _insertedPhotos.Add(id);
}

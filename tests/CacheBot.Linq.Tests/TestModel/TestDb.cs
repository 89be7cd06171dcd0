using System.Collections;
using System.Reflection;

namespace CacheBot.Linq.Tests.TestModel;

/// <summary>What one cached call did, read from the cache statistics.</summary>
public enum Outcome
{
    Hit,
    Miss,
    Bypass,
    Uncached,
}

/// <summary>
/// An in-memory "database" for LINQ-to-Objects: one list per table, stable root queryables (raw and wrapped), and
/// copy-on-write writes reported through the Notify API. Navigations are re-wired after every write (new objects),
/// so objects a cached result or a test holds are never the live ones.
/// </summary>
public sealed class TestDb : IDisposable
{
    private static readonly Func<object, object> MemberwiseCloneInvoker =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!.CreateDelegate<Func<object, object>>();

    private static readonly string[] Names = ["alice", "bob", "carol", "david"];
    private static readonly string[] TagNames = ["sun", "sea", "cat"];

    private readonly Dictionary<Type, IList> _lists = [];
    private readonly Dictionary<Type, IQueryable> _raw = [];
    private readonly Dictionary<Type, IQueryable> _wrapped = [];
    private readonly bool _wireUserPhotos;
    private readonly bool _interpreted;

    /// <param name="options">The cache options.</param>
    /// <param name="seed">Whether to fill the tables with the documented seed rows.</param>
    /// <param name="wireUserPhotos">Whether <c>User.Photos</c> is wired (a cycle with <c>Photo.User</c>).</param>
    /// <param name="interpreted">
    /// Whether the roots run through <see cref="InterpretedQueryable{T}"/> (fast, for high-volume tests) instead of
    /// the standard <see cref="EnumerableQuery{T}"/> (which compiles IL on every execution).
    /// </param>
    public TestDb(QueryCacheOptions? options = null, bool seed = true, bool wireUserPhotos = true, bool interpreted = false)
    {
        Cache = new QueryCache(options ?? new QueryCacheOptions());
        _wireUserPhotos = wireUserPhotos;
        _interpreted = interpreted;
        Register(UserRows);
        Register(AlbumRows);
        Register(PhotoRows);
        Register(TagRows);
        Register(MessageRows);
        Register(CommentRows);
        Register(AuditRows);
        if (seed)
        {
            Seed();
        }
    }

    public QueryCache Cache { get; }

    public List<User> UserRows { get; } = [];

    public List<Album> AlbumRows { get; } = [];

    public List<Photo> PhotoRows { get; } = [];

    public List<Tag> TagRows { get; } = [];

    public List<Message> MessageRows { get; } = [];

    public List<Comment> CommentRows { get; } = [];

    public List<AuditRecord> AuditRows { get; } = [];

    public IQueryable<User> Users => Root<User>();

    public IQueryable<Photo> Photos => Root<Photo>();

    public IQueryable<Tag> Tags => Root<Tag>();

    public IQueryable<Message> Messages => Root<Message>();

    public IQueryable<Comment> Comments => Root<Comment>();

    public IQueryable<User> RawUsers => Raw<User>();

    public IQueryable<Photo> RawPhotos => Raw<Photo>();

    public IQueryable<Tag> RawTags => Raw<Tag>();

    public IQueryable<Message> RawMessages => Raw<Message>();

    public static T Copy<T>(T row) where T : class => (T)MemberwiseCloneInvoker(row);

    /// <summary>The CacheBot-wrapped root of <typeparamref name="T"/>'s table (one stable object per table).</summary>
    public IQueryable<T> Root<T>() => (IQueryable<T>)_wrapped[typeof(T)];

    /// <summary>The plain LINQ-to-Objects root of <typeparamref name="T"/>'s table (one stable object per table).</summary>
    public IQueryable<T> Raw<T>() => (IQueryable<T>)_raw[typeof(T)];

    public List<T> Rows<T>() => (List<T>)_lists[typeof(T)];

    public void Dispose() => Cache.Dispose();

    public T Insert<T>(T row) where T : class
    {
        Rows<T>().Add(row);
        Rewire();
        Cache.NotifyInserted(row);
        return row;
    }

    /// <summary>Copy-on-write update: the live row is replaced by a changed copy, then the write is reported.</summary>
    public (T Before, T After) Update<T>(Func<T, bool> match, Action<T> change) where T : class
    {
        var rows = Rows<T>();
        var index = rows.FindIndex(r => match(r));
        Assert.True(index >= 0, "no row of " + typeof(T).Name + " matches the update");
        var before = rows[index];
        var after = Copy(before);
        change(after);
        rows[index] = after;
        Rewire();
        Cache.NotifyUpdated(before, after);
        return (before, after);
    }

    public T Delete<T>(Func<T, bool> match) where T : class
    {
        var rows = Rows<T>();
        var index = rows.FindIndex(r => match(r));
        Assert.True(index >= 0, "no row of " + typeof(T).Name + " matches the delete");
        var before = rows[index];
        rows.RemoveAt(index);
        Rewire();
        Cache.NotifyDeleted(before);
        return before;
    }

    /// <summary>Changes rows without reporting anything (a write CacheBot cannot see, e.g. a bulk statement).</summary>
    public void Silently<T>(Func<T, bool> match, Action<T> change) where T : class
    {
        var rows = Rows<T>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (match(rows[i]))
            {
                var after = Copy(rows[i]);
                change(after);
                rows[i] = after;
            }
        }

        Rewire();
    }

    /// <summary>Runs <paramref name="run"/> and reports what the cache did, from the statistics.</summary>
    public Outcome Measure(Action run)
    {
        var s = Cache.Statistics;
        var (hits, misses, bypasses) = (s.Hits, s.Misses, s.Bypasses);
        run();
        if (s.Hits > hits)
        {
            return Outcome.Hit;
        }

        if (s.Misses > misses)
        {
            return Outcome.Miss;
        }

        return s.Bypasses > bypasses ? Outcome.Bypass : Outcome.Uncached;
    }

    /// <summary>
    /// Runs <paramref name="query"/> over the wrapped root (with <c>Cache()</c> unless <paramref name="cache"/> is false),
    /// checks the cache outcome, and checks the answer equals the same query over the raw data.
    /// </summary>
    /// <param name="expected">The outcome the cached run must have.</param>
    /// <param name="query">The query, written over a root.</param>
    /// <param name="cache">Whether the wrapped root gets <c>Cache()</c> (false: rely on get-caching).</param>
    /// <param name="cacheCall">Replaces <c>Cache()</c> on the wrapped root, e.g. <c>q =&gt; q.Cache(p =&gt; p.User)</c>.</param>
    public object? Expect<T>(Outcome expected, Func<IQueryable<T>, object?> query, bool cache = true, Func<IQueryable<T>, IQueryable<T>>? cacheCall = null)
    {
        object? result = null;
        var root = cacheCall is not null ? cacheCall(Root<T>()) : cache ? Root<T>().Cache() : Root<T>();
        var outcome = Measure(() => result = query(root));
        var fresh = query(Raw<T>());
        Assert.Equal(Canonical.Of(fresh), Canonical.Of(result));
        Assert.Equal(expected, outcome);
        return result;
    }

    /// <summary>Runs the query twice: the first run must miss, the second hit.</summary>
    public void Prime<T>(Func<IQueryable<T>, object?> query, bool cache = true, Func<IQueryable<T>, IQueryable<T>>? cacheCall = null)
    {
        Expect(Outcome.Miss, query, cache, cacheCall);
        Expect(Outcome.Hit, query, cache, cacheCall);
    }

    /// <summary>Builds new objects for every row that has navigations, pointing at the current rows.</summary>
    public void Rewire()
    {
        var users = new Dictionary<int, User>();
        for (var i = 0; i < UserRows.Count; i++)
        {
            var user = Copy(UserRows[i]);
            user.Photos = [];
            UserRows[i] = user;
            users[user.Id] = user;
        }

        var albums = AlbumRows.ToDictionary(a => a.Id);
        var tags = TagRows.ToLookup(t => t.PhotoId);
        for (var i = 0; i < PhotoRows.Count; i++)
        {
            var photo = Copy(PhotoRows[i]);
            photo.User = users.GetValueOrDefault(photo.UserId)!;
            photo.Album = photo.AlbumId is { } albumId ? albums.GetValueOrDefault(albumId) : null;
            photo.Tags = [.. tags[photo.Id]];
            PhotoRows[i] = photo;
            if (_wireUserPhotos && photo.User is not null)
            {
                photo.User.Photos.Add(photo);
            }
        }

        var messages = new Dictionary<int, Message>();
        for (var i = 0; i < MessageRows.Count; i++)
        {
            var message = Copy(MessageRows[i]);
            message.Sender = users.GetValueOrDefault(message.SenderId)!;
            MessageRows[i] = message;
            messages[message.Id] = message;
        }

        for (var i = 0; i < CommentRows.Count; i++)
        {
            var comment = Copy(CommentRows[i]);
            comment.Message = messages.GetValueOrDefault(comment.MessageId)!;
            CommentRows[i] = comment;
        }
    }

    private void Register<T>(List<T> rows)
    {
        _lists[typeof(T)] = rows;
        var raw = _interpreted ? new InterpretedQueryable<T>(rows) : rows.AsQueryable();
        _raw[typeof(T)] = raw;
        _wrapped[typeof(T)] = raw.AsCacheBot(Cache);
    }

    private void Seed()
    {
        for (var i = 1; i <= 4; i++)
        {
            UserRows.Add(new User { Id = i, Name = Names[i - 1], Age = 20 + i, IsActive = i % 2 == 1 });
        }

        for (var i = 1; i <= 3; i++)
        {
            AlbumRows.Add(new Album { Id = i, Title = "album" + i });
        }

        for (var i = 1; i <= 12; i++)
        {
            PhotoRows.Add(new Photo
            {
                Id = i,
                UserId = (i % 4) + 1,
                Status = i % 3,
                Title = "t" + i,
                AlbumId = i % 4 == 0 ? null : (i % 3) + 1,
                Kind = (PhotoKind)(i % 3),
                IsPublic = i % 2 == 0,
                Likes = i * 10,
            });
        }

        for (var i = 1; i <= 18; i++)
        {
            TagRows.Add(new Tag { Id = i, PhotoId = ((i - 1) % 12) + 1, Name = TagNames[i % 3] });
        }

        for (var i = 1; i <= 6; i++)
        {
            MessageRows.Add(new Message { Id = i, SenderId = (i % 4) + 1, Text = "m" + i, IsRead = i % 2 == 0 });
        }

        for (var i = 1; i <= 8; i++)
        {
            CommentRows.Add(new Comment { Id = i, MessageId = (i % 6) + 1, Text = "c" + i });
        }

        AuditRows.Add(new AuditRecord { RecordNo = 1, Text = "created" });
        AuditRows.Add(new AuditRecord { RecordNo = 2, Text = "updated" });
        Rewire();
    }
}

using System.Linq.Expressions;
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Demo;

/// <summary>How a query shape runs.</summary>
public enum RunMode
{
    /// <summary>Through CacheBot: <c>Cache()</c> on lists and aggregates, "get" queries cached by default.</summary>
    Cached,

    /// <summary>Through CacheBot with <c>NoCache()</c>: the uncached baseline on the same connection.</summary>
    NoCache,

    /// <summary>Plain linq2db on a separate connection without CacheBot: the freshness oracle.</summary>
    Plain,
}

/// <summary>The tables of one connection, and the per-mode way to mark a query cached or not.</summary>
public sealed class Tables
{
    public Tables(DataConnection db, RunMode mode)
    {
        Mode = mode;
        Db = db;
        Users = Source(db.GetTable<User>());
        Albums = Source(db.GetTable<Album>());
        Photos = Source(db.GetTable<Photo>());
        Tags = Source(db.GetTable<Tag>());
        PhotoTags = Source(db.GetTable<PhotoTag>());
        Comments = Source(db.GetTable<Comment>());
    }

    public RunMode Mode { get; }

    public DataConnection Db { get; }

    public IQueryable<User> Users { get; }

    public IQueryable<Album> Albums { get; }

    public IQueryable<Photo> Photos { get; }

    public IQueryable<Tag> Tags { get; }

    public IQueryable<PhotoTag> PhotoTags { get; }

    public IQueryable<Comment> Comments { get; }

    /// <summary>Marks a list or aggregate query: <c>Cache()</c>, <c>NoCache()</c> or nothing.</summary>
    public IQueryable<T> C<T>(IQueryable<T> query) => Mode switch
    {
        RunMode.Cached => query.Cache(),
        RunMode.NoCache => query.NoCache(),
        _ => query,
    };

    /// <summary>Marks a query with an invalidation path: <c>Cache(p => p.User)</c>.</summary>
    public IQueryable<T> C<T>(IQueryable<T> query, Expression<Func<T, object?>> path) => Mode switch
    {
        RunMode.Cached => query.Cache(path),
        RunMode.NoCache => query.NoCache(),
        _ => query,
    };

    /// <summary>Marks a query with an invalidation path by name: <c>Cache("User")</c>.</summary>
    public IQueryable<T> C<T>(IQueryable<T> query, string path) => Mode switch
    {
        RunMode.Cached => query.Cache(path),
        RunMode.NoCache => query.NoCache(),
        _ => query,
    };

    /// <summary>A "get" query: cached by default (CacheGet), so the cached mode adds nothing.</summary>
    public IQueryable<T> Get<T>(IQueryable<T> query) => Mode == RunMode.NoCache ? query.NoCache() : query;

    private IQueryable<T> Source<T>(ITable<T> table)
        where T : notnull => Mode == RunMode.Plain ? table : table.AsCacheBot();
}

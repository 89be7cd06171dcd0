using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>How a shape's query is run.</summary>
public enum MatrixMode
{
    /// <summary>Plain linq2db on a connection without CacheBot: the reference answer.</summary>
    Plain,

    /// <summary><c>AsCacheBot().Cache()</c> (and <c>AsCacheBot()</c> gets).</summary>
    Cached,

    /// <summary><c>AsCacheBot().NoCache()</c>.</summary>
    NoCache,

    /// <summary><c>AsCacheBot().Cache()</c> inside a transaction (reads bypass the cache).</summary>
    Transaction,
}

/// <summary>What a shape builds its query from: the main table wrapped (or not) as the mode says, other tables plain.</summary>
public sealed class MatrixContext(DataConnection db, MatrixMode mode)
{
    public DataConnection Db { get; } = db;

    public MatrixMode Mode { get; } = mode;

    /// <summary>The table as the query's source: <c>AsCacheBot().Cache()</c>, <c>NoCache()</c> or plain.</summary>
    public IQueryable<T> Q<T>()
        where T : class => Mode switch
        {
            MatrixMode.Plain => Db.GetTable<T>(),
            MatrixMode.NoCache => Db.GetTable<T>().AsCacheBot().NoCache(),
            _ => Db.GetTable<T>().AsCacheBot().Cache(),
        };

    /// <summary>The table for "get" queries (cached by default without <c>Cache()</c>).</summary>
    public IQueryable<T> G<T>()
        where T : class => Mode switch
        {
            MatrixMode.Plain => Db.GetTable<T>(),
            MatrixMode.NoCache => Db.GetTable<T>().AsCacheBot().NoCache(),
            _ => Db.GetTable<T>().AsCacheBot(),
        };

    /// <summary>Another table of the same connection (joins, subqueries): never wrapped.</summary>
    public ITable<T> T<T>()
        where T : class => Db.GetTable<T>();
}

/// <summary>One query shape of the matrix.</summary>
/// <param name="Family">The operator family (the file it is declared in).</param>
/// <param name="Name">A readable description.</param>
/// <param name="Run">Runs the query in a context and returns its answer.</param>
/// <param name="Ordered">Whether the answer's order is part of it (else sequences compare as multisets).</param>
public sealed record MatrixShape(string Family, string Name, Func<MatrixContext, CancellationToken, Task<object?>> Run, bool Ordered = false)
{
    public override string ToString() => Family + ": " + Name;
}

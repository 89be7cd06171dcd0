using System.Data.Common;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Benchmarks.Hit;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Benchmarks.Writes;

/// <summary>
/// <c>--write-profile [sqlite|postgres] [loop delete|update|insert [uncached]]</c>: the entity writes of <see cref="WriteBenchmarks"/>
/// (same database, same cached queries registered first) through CacheBot against raw linq2db, in alternating rounds, best
/// round of each in CPU time of the calling thread (<see cref="ThreadCpu"/>: other processes on a shared host do not count;
/// on PostgreSQL the server's time is not counted either). Next to them, the statements CacheBot sends, run bare through
/// ADO.NET: the floor its write path cannot go below. Direction only; the figures to publish come from
/// <see cref="WriteBenchmarks"/>. With <c>loop</c>, runs one CacheBot write alone for ~15 s for a sampling profiler
/// (<c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>); <c>uncached</c> registers no cached query first, so
/// the write runs without row images.
/// </summary>
internal static class WriteProfileMode
{
    private const int Rounds = 25, WarmupRounds = 5, PerRound = 200;
    private const int InsertBase = 3_000_000, DeleteBase = 4_000_000;

    public static void Run(string[] args)
    {
        var name = args.Contains("postgres") ? BenchDatabases.Postgres : BenchDatabases.Sqlite;
        using var database = BenchDatabases.Create(name);
        using var cache = new QueryCache(new QueryCacheOptions());
        using var raw = new DataConnection(database.RawOptions);
        using var cached = new DataConnection(database.CacheBotOptions(cache));
        if (!args.Contains("uncached"))
        {
            WriteBenchmarks.RegisterCachedQueries(cached, cache);
        }

        var existing = raw.GetTable<Photo>().Where(p => p.Id <= 2_000).OrderBy(p => p.Id).ToArray();
        var updates = 0;
        Photo NextUpdate()
        {
            var photo = existing[updates++ % existing.Length];
            photo.Views++;
            return photo;
        }

        if (args.Contains("loop"))
        {
            Loop(args, raw, cached, NextUpdate);
            return;
        }

        Console.WriteLine($"{name}: best of {Rounds} alternating rounds of {PerRound} writes (us of thread CPU per write)");
        Compare("update", () => Updates(NextUpdate), photo => raw.Update(photo), photo => cached.Update(photo));
        using (var bare = new QueryCache(new QueryCacheOptions()))
        using (var unimaged = new DataConnection(database.CacheBotOptions(bare)))
        {
            // No cached query reads a column of Photo: CacheBot runs the write as it is, without images.
            Compare("update, nothing cached", () => Updates(NextUpdate), photo => raw.Update(photo), photo => unimaged.Update(photo));
        }

        using (var raw2 = new DataConnection(database.RawOptions))
        {
            // Two plain linq2db connections against each other: how far apart two connections measure with no CacheBot at all.
            Compare("update, raw vs raw", () => Updates(NextUpdate), photo => raw.Update(photo), photo => raw2.Update(photo));
        }

        var deletes = DeleteBase;
        Compare("delete", () => Fresh(raw, DeleteBase, ref deletes, copy: true), photo => raw.Delete(photo), photo => cached.Delete(photo));
        var inserts = InsertBase;
        Compare("insert", () => Fresh(raw, InsertBase, ref inserts, copy: false), photo => raw.Insert(photo), photo => cached.Insert(photo));
        Floors(raw, name == BenchDatabases.Postgres);
    }

    private static void Loop(string[] args, DataConnection raw, DataConnection cached, Func<Photo> nextUpdate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var next = args.Contains("insert") ? InsertBase : DeleteBase;
        var (writes, cpu) = (0, TimeSpan.Zero);
        while (DateTime.UtcNow < deadline)
        {
            Action<Photo> write = args.Contains("update") ? photo => cached.Update(photo)
                : args.Contains("insert") ? photo => cached.Insert(photo)
                : photo => cached.Delete(photo);
            var batch = args.Contains("update") ? Updates(nextUpdate)
                : Fresh(raw, args.Contains("insert") ? InsertBase : DeleteBase, ref next, copy: !args.Contains("insert"));
            var start = ThreadCpu.Now();
            foreach (var photo in batch)
            {
                write(photo);
            }

            cpu += ThreadCpu.Now() - start;
            writes += batch.Length;
        }

        Console.WriteLine($"{writes} writes, {cpu.TotalMicroseconds / writes:F1} us of thread CPU per write");
    }

    private static Photo[] Updates(Func<Photo> next)
    {
        var batch = new Photo[PerRound];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = next();
        }

        return batch;
    }

    /// <summary>New rows for one round (ids from <paramref name="next"/>), after removing earlier rounds' rows; stored first when <paramref name="copy"/>.</summary>
    private static Photo[] Fresh(DataConnection raw, int firstId, ref int next, bool copy)
    {
        raw.GetTable<Photo>().Where(p => p.Id >= firstId && p.Id < firstId + 1_000_000).Delete();
        var batch = Batch(next, PerRound);
        next += PerRound;
        if (copy)
        {
            raw.BulkCopy(batch);
        }

        return batch;
    }

    /// <summary>Alternating rounds, each on a batch made before it and not timed; prints the best round of each side.</summary>
    private static void Compare(string name, Func<Photo[]> batch, Action<Photo> rawWrite, Action<Photo> cachedWrite)
    {
        for (var round = 0; round < WarmupRounds; round++)
        {
            // Tiered JIT: both sides reach optimized code before any round counts.
            _ = TimeEach(batch(), rawWrite);
            _ = TimeEach(batch(), cachedWrite);
        }

        var (bestRaw, bestCached) = (double.MaxValue, double.MaxValue);
        for (var round = 0; round < Rounds; round++)
        {
            bestRaw = Math.Min(bestRaw, TimeEach(batch(), rawWrite));
            bestCached = Math.Min(bestCached, TimeEach(batch(), cachedWrite));
        }

        Console.WriteLine($"{name,-22} raw linq2db {bestRaw,8:F1}   CacheBot {bestCached,8:F1}   ratio {bestCached / bestRaw:F2}x"
            + $"   allocated per write: raw {Allocated(batch(), rawWrite),6} B, CacheBot {Allocated(batch(), cachedWrite),6} B");
    }

    /// <summary>
    /// The floor: the statements of each write, run bare through ADO.NET on the raw connection, as
    /// linq2db sends them (plain) and as CacheBot sends them to read row images (<c>RETURNING *</c>; for an update also
    /// the pre-image <c>SELECT</c>, atomically with the write).
    /// </summary>
    private static void Floors(DataConnection raw, bool postgres)
    {
        // As linq2db writes an entity: every column a parameter (an update sets them all), the key in the WHERE.
        var connection = raw.OpenDbConnection();
        const string Columns = "\"Id\", \"UserId\", \"Status\", \"AlbumId\", \"Kind\", \"Views\", \"Taken\", \"Title\"";
        const string Values = "@Id, @UserId, @Status, @AlbumId, @Kind, @Views, @Taken, @Title";
        const string Update = "UPDATE \"Photo\" SET \"UserId\" = @UserId, \"Status\" = @Status, \"AlbumId\" = @AlbumId, \"Kind\" = @Kind, "
            + "\"Views\" = @Views, \"Taken\" = @Taken, \"Title\" = @Title WHERE \"Id\" = @Id";
        var deletes = DeleteBase;
        var inserts = InsertBase;
        // PostgreSQL: CacheBot's transaction rides on the pre-image and on the write, two round trips.
        string[] imagedUpdate = postgres
            ? ["BEGIN; SELECT * FROM \"Photo\" WHERE \"Id\" = @Id FOR UPDATE", Update + " RETURNING *; COMMIT"]
            : ["BEGIN IMMEDIATE", "SELECT * FROM \"Photo\" WHERE \"Id\" = @Id", Update + " RETURNING *", "COMMIT"];
        Floor("update", () => Updates(raw), connection, [Update], imagedUpdate);
        Floor("delete", () => Fresh(raw, DeleteBase, ref deletes, copy: true), connection,
            ["DELETE FROM \"Photo\" WHERE \"Id\" = @Id"], ["DELETE FROM \"Photo\" WHERE \"Id\" = @Id RETURNING *"]);
        Floor("insert", () => Fresh(raw, InsertBase, ref inserts, copy: false), connection,
            [$"INSERT INTO \"Photo\" ({Columns}) VALUES ({Values})"], [$"INSERT INTO \"Photo\" ({Columns}) VALUES ({Values}) RETURNING *"]);
        _ = Fresh(raw, InsertBase, ref inserts, copy: false);
        _ = Fresh(raw, DeleteBase, ref deletes, copy: false);
    }

    private static Photo[] Updates(DataConnection raw) => raw.GetTable<Photo>().Where(p => p.Id <= PerRound).ToArray();

    private static void Floor(string name, Func<Photo[]> batch, DbConnection connection, string[] plain, string[] imaged)
    {
        var (bestPlain, bestImaged) = (double.MaxValue, double.MaxValue);
        for (var round = 0; round < WarmupRounds + Rounds; round++)
        {
            bestPlain = Math.Min(bestPlain, Statements(batch(), connection, plain));
            bestImaged = Math.Min(bestImaged, Statements(batch(), connection, imaged));
        }

        Console.WriteLine($"{name,-8} floor: {plain.Length} command {bestPlain,8:F1}   CacheBot's {imaged.Length} command(s) {bestImaged,8:F1}   ratio {bestImaged / bestPlain:F2}x");
    }

    /// <summary>
    /// Runs the statements once per row (every row returned is read), each on one command reused for every row and not
    /// prepared explicitly, as linq2db and CacheBot run theirs; thread CPU per row. A statement that names the key gets all
    /// of the entity's parameters, as CacheBot lends the user's command's parameters to its own.
    /// </summary>
    private static double Statements(Photo[] batch, DbConnection connection, string[] texts)
    {
        var commands = new DbCommand[texts.Length];
        try
        {
            for (var i = 0; i < texts.Length; i++)
            {
                var command = commands[i] = connection.CreateCommand();
                command.CommandText = texts[i];
                if (texts[i].Contains("@Id", StringComparison.Ordinal))
                {
                    foreach (var name in ParameterNames)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = "@" + name;
                        command.Parameters.Add(parameter);
                    }

                    Bind(command.Parameters, batch[0]);
                }
            }

            var start = ThreadCpu.Now();
            foreach (var photo in batch)
            {
                foreach (var command in commands)
                {
                    if (command.Parameters.Count > 0)
                    {
                        Bind(command.Parameters, photo);
                    }

                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        for (var c = 0; c < reader.FieldCount; c++)
                        {
                            _ = reader.IsDBNull(c) ? null : reader.GetValue(c);
                        }
                    }
                }
            }

            return (ThreadCpu.Now() - start).TotalMicroseconds / batch.Length;
        }
        finally
        {
            foreach (var command in commands)
            {
                command?.Dispose();
            }
        }
    }

    private static readonly string[] ParameterNames = ["Id", "UserId", "Status", "AlbumId", "Kind", "Views", "Taken", "Title"];

    private static void Bind(DbParameterCollection parameters, Photo photo)
    {
        parameters[0].Value = photo.Id;
        parameters[1].Value = photo.UserId;
        parameters[2].Value = photo.Status;
        parameters[3].Value = photo.AlbumId;
        parameters[4].Value = photo.Kind;
        parameters[5].Value = photo.Views + 1;
        parameters[6].Value = photo.Taken;
        parameters[7].Value = photo.Title;
    }

    private static Photo[] Batch(int first, int count)
    {
        var batch = new Photo[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = PhotoData.CreatePhoto(first + i);
        }

        return batch;
    }

    private static double TimeEach(Photo[] batch, Action<Photo> write)
    {
        var start = ThreadCpu.Now();
        foreach (var photo in batch)
        {
            write(photo);
        }

        return (ThreadCpu.Now() - start).TotalMicroseconds / batch.Length;
    }

    private static long Allocated(Photo[] batch, Action<Photo> write)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var photo in batch)
        {
            write(photo);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / batch.Length;
    }
}

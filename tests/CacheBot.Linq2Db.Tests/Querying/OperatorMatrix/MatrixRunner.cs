using System.Globalization;
using System.Text;
using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>What the cache did with a shape.</summary>
public enum MatrixOutcome
{
    /// <summary>Cached: the second run (no write between) was a hit.</summary>
    Hit,

    /// <summary>Refused: ran uncached (bypass), with a reason.</summary>
    Bypass,

    /// <summary>Never asked to be cached (neither hit, miss nor bypass).</summary>
    Plain,

    /// <summary>Plain linq2db throws; so did CacheBot, with the same exception type.</summary>
    Throws,

    /// <summary>Cached but the second run missed: a key that does not repeat (a defect worth a look).</summary>
    MissedTwice,
}

/// <summary>The record of one shape: outcome, refusal reason, and how the writes related to its answer.</summary>
public sealed record MatrixRecord(MatrixShape Shape, MatrixOutcome Outcome, string? Reason, int ChangingWrites, int NeutralWrites, int HitsAfterNeutralWrites);

/// <summary>
/// Runs every shape on a database: plain linq2db vs CacheBot (miss then hit), through <c>NoCache()</c> and inside a
/// transaction, then after every write of <see cref="MatrixSeed.Writes"/>. Every CacheBot answer must equal plain
/// linq2db's (or throw the same exception type). Collects failures instead of stopping at the first.
/// </summary>
public sealed class MatrixRunner(DataOptions plainOptions, QueryCache cache, RefusalRecorder recorder)
{
    public List<MatrixRecord> Records { get; } = [];

    public List<string> Failures { get; } = [];

    public async Task RunAsync(IEnumerable<MatrixShape> shapes, CancellationToken ct)
    {
        using var plainDb = new DataConnection(plainOptions);
        using var cachedDb = new DataConnection(plainOptions.UseCacheBot(cache));
        var plain = new MatrixContext(plainDb, MatrixMode.Plain);
        var cached = new MatrixContext(cachedDb, MatrixMode.Cached);
        var noCache = new MatrixContext(cachedDb, MatrixMode.NoCache);
        var inTransaction = new MatrixContext(cachedDb, MatrixMode.Transaction);
        foreach (var shape in shapes)
        {
            await RunShapeAsync(shape, plain, cached, noCache, inTransaction, ct);
        }
    }

    private async Task RunShapeAsync(MatrixShape shape, MatrixContext plain, MatrixContext cached, MatrixContext noCache, MatrixContext inTransaction, CancellationToken ct)
    {
        var expected = await MatrixAnswer.OfAsync(shape, plain, ct);
        Check(shape, "NoCache()", expected, await MatrixAnswer.OfAsync(shape, noCache, ct));
        using (var transaction = await inTransaction.Db.BeginTransactionAsync(ct))
        {
            Check(shape, "inside a transaction", expected, await MatrixAnswer.OfAsync(shape, inTransaction, ct));
            await transaction.RollbackAsync(ct);
        }

        recorder.Clear();
        var (first, _) = await RunCachedAsync(shape, cached, ct);
        Check(shape, "first cached run", expected, first);
        var (second, outcome) = await RunCachedAsync(shape, cached, ct);
        Check(shape, "second cached run", expected, second);
        var reason = outcome == MatrixOutcome.Bypass && recorder.Refusals is [var refusal, ..] ? refusal.Reason + ": " + refusal.Detail : null;
        if (MatrixAnswer.IsException(expected))
        {
            outcome = MatrixOutcome.Throws;
        }

        int changing = 0, neutral = 0, hitsAfterNeutral = 0;
        foreach (var (name, apply) in MatrixSeed.Writes)
        {
            apply(cached.Db);
            var now = await MatrixAnswer.OfAsync(shape, plain, ct);
            var (answer, after) = await RunCachedAsync(shape, cached, ct);
            Check(shape, "after write '" + name + "'", now, answer);
            if (now == expected)
            {
                neutral++;
                hitsAfterNeutral += after == MatrixOutcome.Hit ? 1 : 0;
            }
            else
            {
                changing++;
            }

            expected = now;
        }

        if (outcome != MatrixOutcome.Throws && (changing == 0 || neutral == 0))
        {
            Failures.Add($"{shape}: the write pool has {changing} changing and {neutral} neutral write(s) for this shape (both are needed)");
        }

        Records.Add(new MatrixRecord(shape, outcome, reason, changing, neutral, hitsAfterNeutral));
    }

    private async Task<(string Answer, MatrixOutcome Outcome)> RunCachedAsync(MatrixShape shape, MatrixContext context, CancellationToken ct)
    {
        var s = cache.Statistics;
        var (hits, misses, bypasses) = (s.Hits, s.Misses, s.Bypasses);
        var answer = await MatrixAnswer.OfAsync(shape, context, ct);
        var outcome = s.Hits > hits ? MatrixOutcome.Hit
            : s.Misses > misses ? MatrixOutcome.MissedTwice
            : s.Bypasses > bypasses ? MatrixOutcome.Bypass
            : MatrixOutcome.Plain;
        return (answer, outcome);
    }

    private void Check(MatrixShape shape, string when, string expected, string actual)
    {
        if (expected != actual)
        {
            Failures.Add($"{shape} ({when}):\n    plain linq2db: {Truncate(expected)}\n    CacheBot:      {Truncate(actual)}");
        }
    }

    private static string Truncate(string value) => value.Length > 300 ? value[..300] + "..." : value;

    /// <summary>The summary table: per family, shapes by outcome, then every refused shape with its reason.</summary>
    public string Summary(string database)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Operator matrix on {database}: {Records.Count} shapes, {Failures.Count} failure(s)");
        text.AppendLine("family          shapes   hit  bypass  plain  throws  missed  precise-after-neutral-writes");
        foreach (var family in Records.GroupBy(r => r.Shape.Family).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            AppendRow(text, family.Key, family.ToList());
        }

        AppendRow(text, "TOTAL", Records);
        text.AppendLine("Refused shapes:");
        foreach (var record in Records.Where(r => r.Outcome == MatrixOutcome.Bypass))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {record.Shape}: {record.Reason}");
        }

        text.AppendLine("Shapes plain linq2db rejects (CacheBot throws the same exception type):");
        foreach (var record in Records.Where(r => r.Outcome == MatrixOutcome.Throws))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {record.Shape}");
        }

        foreach (var record in Records.Where(r => r.Outcome is MatrixOutcome.MissedTwice or MatrixOutcome.Plain))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {record.Outcome}: {record.Shape}");
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string name, List<MatrixRecord> rows)
    {
        int Count(MatrixOutcome o) => rows.Count(r => r.Outcome == o);
        var cachedRows = rows.Where(r => r.Outcome == MatrixOutcome.Hit).ToList();
        var neutral = cachedRows.Sum(r => r.NeutralWrites);
        var precise = cachedRows.Sum(r => r.HitsAfterNeutralWrites);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-15} {rows.Count,6} {Count(MatrixOutcome.Hit),5} {Count(MatrixOutcome.Bypass),7} {Count(MatrixOutcome.Plain),6} {Count(MatrixOutcome.Throws),7} {Count(MatrixOutcome.MissedTwice),7}  {precise}/{neutral}");
    }
}

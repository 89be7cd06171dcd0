using System.IO.Hashing;
using System.Linq.Expressions;
using System.Runtime.InteropServices;
using System.Text;
using CacheBot.Linq.Analysis;
using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Keys;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Querying;

/// <summary>
/// The miss path's use of a <see cref="ISharedResultStore"/>: a portable key, a lookup validated against this process's
/// slots, and a fill after the query ran.
/// </summary>
/// <remarks>
/// A shared result read at position p is served only when (1) p is at or above every scheme's registration position and
/// the position at this process's last reset (so every write after p that could change the result was applied to this
/// process's slots), (2) none of its dependency keys moved past p, and (3) none of its tables is unsettled. Any failure
/// of the store means "not found".
/// </remarks>
internal readonly struct SharedResults
{
    private readonly ISharedResultStore? _store;
    private readonly UInt128 _key;
    private readonly Type? _resultType;

    private SharedResults(ISharedResultStore store, UInt128 key, Type resultType)
    {
        _store = store;
        _key = key;
        _resultType = resultType;
    }

    public bool IsActive => _store is not null;

    public static SharedResults Prepare(ISharedResultStore store, Expression expression, CacheBotQueryContext context, QueryAnalysis analysis, byte kind, Type resultType)
    {
        var hash = ExpressionHasher.HashPortable(expression, context);
        if ((hash.Flags & (ExpressionHashFlags.NotPortable | ExpressionHashFlags.Unhashable)) != 0)
        {
            return default;
        }

        // The identity is the database and the mapping of every table read (names and columns), not process handles.
        var identity = new StringBuilder(context.Model.Database);
        foreach (var table in analysis.Tables)
        {
            identity.Append('\u0001').Append(table.QualifiedName);
            foreach (var column in table.Columns)
            {
                identity.Append('\u0002').Append(column.Name).Append(':').Append(column.ClrType.FullName).Append(':').Append((int)column.StringMatching);
            }
        }

        Span<byte> buffer = stackalloc byte[48];
        var full = hash.Full;
        MemoryMarshal.Write(buffer, in full);
        var identityHash = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(identity.ToString()));
        MemoryMarshal.Write(buffer[16..], in identityHash);
        var type = PortableIds.Of(resultType);
        MemoryMarshal.Write(buffer[32..], in type);
        buffer[40] = kind;
        return new SharedResults(store, XxHash128.HashToUInt128(buffer[..41]), resultType);
    }

    public async ValueTask<SharedResult?> TryGetAsync(QueryCache cache, long sharedSince, bool async, CancellationToken cancellationToken)
    {
        SharedResult? found;
        try
        {
            found = await _store!.TryGetAsync(_key, _resultType!, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreFailed(cache.Logger, "shared get", ex);
            return null;
        }

        if (found is null || found.Position < sharedSince || (found.Value is not null && !_resultType!.IsInstanceOfType(found.Value)))
        {
            return null;
        }

        var stamps = cache.Stamps;
        foreach (var dependencyKey in found.DependencyKeys)
        {
            if (stamps.Read(dependencyKey) > found.Position || stamps.IsUnsettled(dependencyKey))
            {
                return null;
            }
        }

        return found;
    }

    public async ValueTask StoreAsync(SharedResult result, TimeSpan timeToLive, bool async, CancellationToken cancellationToken)
    {
        try
        {
            await _store!.StoreAsync(_key, _resultType!, result, timeToLive, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A store that fails only costs other processes a miss.
            _ = ex;
        }
    }
}

using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Applies committed writes: for every scheme registered on the written table, replaces the stamps of the old and the
/// new row's keys; a table write replaces the table's epoch stamp.
/// </summary>
/// <remarks>
/// Writer order (DESIGN "version stamps"): the caller has committed; this reads the table's schemes, then bumps. A
/// reader that registered a scheme before reading its stamps is therefore seen by every write that commits later. A
/// value that cannot be encoded makes the row write fall back to a table write (sound).
/// </remarks>
internal sealed class InvalidationEngine
{
    private readonly StampTable _stamps;
    private readonly SchemeRegistry _schemes;
    private long _invalidations;

    public InvalidationEngine(StampTable stamps, SchemeRegistry schemes)
    {
        _stamps = stamps;
        _schemes = schemes;
    }

    /// <summary>Gets the number of stamp replacements made (each one may invalidate any number of entries).</summary>
    public long Invalidations => Interlocked.Read(ref _invalidations);

    public void Apply(ReadOnlySpan<WriteRecord> writes)
    {
        foreach (ref readonly var write in writes)
        {
            Apply(in write);
        }
    }

    public void Apply(in WriteRecord write)
    {
        if (write.IsDatabaseWrite)
        {
            Bump(DependencyKeys.DatabaseEpoch(write.Table.Database));
            return;
        }

        if (write.IsTableWrite)
        {
            Bump(DependencyKeys.TableEpoch(write.Table));
            return;
        }

        // The caller's commit (for the Notify API, possibly plain stores into in-memory rows) must not be reordered after
        // the scheme read below: a reader registers its scheme, fences, then reads the rows (Dekker pattern). Without this
        // store-load fence both sides could miss each other and a stale entry would never be invalidated.
        Interlocked.MemoryBarrier();
        foreach (var scheme in _schemes.GetSchemes(write.Table))
        {

            if (!TryBumpRow(scheme, write.OldRow) || !TryBumpRow(scheme, write.NewRow))
            {
                Bump(DependencyKeys.TableEpoch(write.Table));
                return;
            }
        }
    }

    public void InvalidateAll()
    {
        _stamps.BumpGlobal();
        Interlocked.Increment(ref _invalidations);
    }

    private bool TryBumpRow(Scheme scheme, object? row)
    {
        if (row is null)
        {
            return true;
        }

        if (!DependencyKeys.TryForRow(scheme, row, out var key))
        {
            return false;
        }

        Bump(key);
        return true;
    }

    private void Bump(ulong key)
    {
        _stamps.Bump(key);
        Interlocked.Increment(ref _invalidations);
    }
}

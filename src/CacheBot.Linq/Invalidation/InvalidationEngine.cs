using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// Applies committed writes: for every scheme registered on the written table, records the write's position in the
/// slots of the old and the new row's keys; a table write records it in the table's epoch slot, a database write in the
/// database's epoch slot.
/// </summary>
/// <remarks>
/// Writer order (DESIGN "version stamps"): the caller has committed; this reads the table's schemes, then bumps. A
/// reader that registered a scheme before taking its read position is therefore seen by every write that commits later.
/// A value that cannot be encoded makes the row write fall back to a table write (sound). An update whose images agree on
/// every column a scheme's queries read leaves that scheme alone (<see cref="RowDiff"/>). Positions come from
/// <see cref="StampTable.NextLocalPosition"/> (one per batch) or from a coordinator's shared log. A directional scheme
/// (<see cref="SchemeDirection"/>) takes only the old or only the new image.
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

    /// <summary>Applies local writes at a fresh local position.</summary>
    public void Apply(ReadOnlySpan<WriteRecord> writes)
    {
        if (writes.IsEmpty)
        {
            return;
        }

        // The caller's commit (for the Notify API, possibly plain stores into in-memory rows) must not be reordered after
        // the scheme reads below: a reader registers its scheme, fences, then reads the rows (Dekker pattern).
        Interlocked.MemoryBarrier();
        var position = _stamps.NextLocalPosition();
        ApplyAt(writes, position);
    }

    /// <summary>Applies writes at <paramref name="position"/> (a coordinator's position, or one drawn by <see cref="Apply"/>).</summary>
    public void ApplyAt(ReadOnlySpan<WriteRecord> writes, long position)
    {
        // Announce the position before reading the schemes: a scheme registered later records a position at or above
        // this one (SchemeRegistry.Register), one registered earlier is seen below.
        _stamps.NoteApplied(position);
        Interlocked.MemoryBarrier();
        foreach (ref readonly var write in writes)
        {
            ApplyOne(in write, position);
        }
    }

    /// <summary>The epoch keys of the tables (or databases) <paramref name="writes"/> touch: what an unsettled write blocks.</summary>
    public static ulong[] EpochKeys(ReadOnlySpan<WriteRecord> writes)
    {
        var keys = new List<ulong>(writes.Length);
        foreach (ref readonly var write in writes)
        {
            if (write.IsDatabaseWrite)
            {
                DependencyKeys.AddDistinct(keys, DependencyKeys.DatabaseEpoch(write.Table.Database));
                continue;
            }

            foreach (var direction in DependencyKeys.TableKeyDirections)
            {
                DependencyKeys.AddDistinct(keys, DependencyKeys.TableEpoch(write.Table, direction));
            }
        }

        return [.. keys];
    }

    public void InvalidateAll()
    {
        _stamps.Reset();
        Interlocked.Increment(ref _invalidations);
    }

    private void ApplyOne(in WriteRecord write, long position)
    {
        if (write.Kind == WriteKind.Everything)
        {
            InvalidateAll();
            return;
        }

        if (write.IsDatabaseWrite)
        {
            Bump(DependencyKeys.DatabaseEpoch(write.Table.Database), position);
            return;
        }

        if (write.IsTableWrite)
        {
            foreach (var direction in DependencyKeys.TableKeyDirections)
            {
                Bump(DependencyKeys.TableEpoch(write.Table, direction), position);
            }

            return;
        }

        // A row that cannot be keyed (unknown rows, a value that cannot be encoded) bumps the table key of the scheme's
        // direction; once bumped, the other schemes of that direction have nothing left to invalidate.
        var bumped = 0;
        var diff = new RowDiff(write.OldRow, write.NewRow);
        foreach (var scheme in _schemes.GetSchemes(write.Table))
        {
            var direction = 1 << (int)scheme.Direction;
            if ((bumped & direction) != 0 || diff.LeavesAlone(scheme))
            {
                continue;
            }

            if (!TryBumpRow(scheme, scheme.Direction == SchemeDirection.Arrivals ? null : write.OldRow, position)
                || !TryBumpRow(scheme, scheme.Direction == SchemeDirection.Removals ? null : write.NewRow, position))
            {
                Bump(DependencyKeys.TableEpoch(write.Table, scheme.Direction), position);
                bumped |= direction;
            }
        }
    }


    private bool TryBumpRow(Scheme scheme, object? row, long position)
    {
        if (row is null)
        {
            return true;
        }

        if (scheme.IsRange)
        {
            // The row's value lies in one block per level; an entry holds the blocks that cover its range.
            Span<ulong> blocks = stackalloc ulong[DependencyKeys.RangeLevels];
            if (!DependencyKeys.TryForRowRange(scheme, row, blocks))
            {
                return false;
            }

            foreach (var block in blocks)
            {
                _stamps.Bump(block, position);
            }

            Interlocked.Increment(ref _invalidations);
            return true;
        }

        if (!DependencyKeys.TryForRow(scheme, row, out var key))
        {
            return false;
        }

        Bump(key, position);
        return true;
    }

    private void Bump(ulong key, long position)
    {
        _stamps.Bump(key, position);
        Interlocked.Increment(ref _invalidations);
    }
}

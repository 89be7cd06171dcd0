using System.Collections.Concurrent;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// The per-table registry of schemes that cached queries use.
/// </summary>
/// <remarks>
/// Invariants: a scheme, once registered, is never removed while the cache lives (its size is bounded by the number
/// of distinct query shapes), because a write must bump the keys of every scheme any live entry may hold.
/// Readers register <em>before</em> they read stamps; writers read the scheme list <em>after</em> their commit. Each table's
/// list is a copy-on-write array published with <see cref="Volatile.Write{T}(ref T, T)"/>; registration takes a lock per
/// table, reads take none. The full fence after registration (in <see cref="Register"/>) orders it before the stamp
/// reads that follow, which is the store-load ordering the race argument in docs/architecture.md needs.
/// </remarks>
internal sealed class SchemeRegistry
{
    private readonly ConcurrentDictionary<ulong, TableSchemes> _tables = new();
    private readonly StampTable _stamps;

    public SchemeRegistry(StampTable stamps) => _stamps = stamps;

    /// <summary>
    /// Returns the canonical scheme of <paramref name="columns"/> read with <paramref name="readMask"/> on <paramref name="table"/>,
    /// registering it if new.
    /// </summary>
    public Scheme Register(TableModel table, ColumnModel[] columns, ulong readMask = ColumnMask.All, SchemeDirection direction = SchemeDirection.Both, bool isRange = false)
    {
        var id = SchemeId(table, columns, readMask, direction, isRange);
        var entry = _tables.GetOrAdd(table.Id, static _ => new TableSchemes());
        var current = Volatile.Read(ref entry.Schemes);
        foreach (var s in current)
        {
            if (s.Id == id && s.ReadMask == readMask && s.Direction == direction && s.IsRange == isRange && SameColumns(s.Columns, columns))
            {
                return s;
            }
        }

        lock (entry)
        {
            current = entry.Schemes;
            foreach (var s in current)
            {
                if (s.Id == id && s.ReadMask == readMask && s.Direction == direction && s.IsRange == isRange && SameColumns(s.Columns, columns))
                {
                    return s;
                }
            }

            var scheme = new Scheme(table, columns, readMask, id, direction, isRange);
            Volatile.Write(ref entry.Schemes, [.. current, scheme]);
            Interlocked.MemoryBarrier();

            // A write applied at a position above this one announced its position before reading the schemes (see
            // InvalidationEngine.ApplyAt), so it sees this scheme.
            Volatile.Write(ref scheme.RegisteredAt, _stamps.MaxAppliedPosition);
            return scheme;
        }
    }

    /// <summary>Returns the schemes registered on <paramref name="table"/> (possibly empty).</summary>
    public Scheme[] GetSchemes(TableModel table) =>
        _tables.TryGetValue(table.Id, out var entry) ? Volatile.Read(ref entry.Schemes) : [];

    private static bool SameColumns(ColumnModel[] a, ColumnModel[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong SchemeId(TableModel table, ColumnModel[] columns, ulong readMask, SchemeDirection direction, bool isRange)
    {
        // Columns are sorted by ordinal; the id mixes the column names (upper-cased), so every process that maps the table
        // alike computes the same id (dependency keys are shared between processes by a coordinator). A read mask other than
        // "all" mixes in the names of its columns (sorted), after a separator no column name holds.
        ulong h = 0xcbf29ce484222325;
        foreach (var c in columns)
        {
            h = Mix(h, c.Name);
        }

        if (readMask != ColumnMask.All)
        {
            h = (h ^ 0xfe) * 0x100000001b3;
            foreach (var name in ColumnMask.Names(table, readMask))
            {
                h = Mix(h, name);
            }
        }

        if (direction != SchemeDirection.Both)
        {
            // A directional scheme has keys of its own (after a separator no column name holds).
            h = (h ^ (0xf0UL + (ulong)direction)) * 0x100000001b3;
        }

        if (isRange)
        {
            // A range scheme's keys are blocks, not tuples (after a separator no column name holds).
            h = (h ^ 0xfa) * 0x100000001b3;
        }

        return h;
    }

    private static ulong Mix(ulong h, string name)
    {
        foreach (var ch in name)
        {
            h = (h ^ char.ToUpperInvariant(ch)) * 0x100000001b3;
        }

        return (h ^ 0xff) * 0x100000001b3;
    }

    private sealed class TableSchemes
    {
        public Scheme[] Schemes = [];
    }
}

using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// A set of columns of one table whose values a cached query constrains (the empty scheme means "any row"), and the
/// columns the queries holding it read (<see cref="ReadMask"/>): an update that changes none of those leaves its keys alone.
/// Schemes are canonical per table (see <see cref="SchemeRegistry"/>), so reference equality is value equality.
/// </summary>
internal sealed class Scheme
{
    public Scheme(TableModel table, ColumnModel[] columns, ulong readMask, ulong id, SchemeDirection direction = SchemeDirection.Both, bool isRange = false)
    {
        Table = table;
        Columns = columns;
        ReadMask = readMask;
        Id = id;
        Direction = direction;
        IsRange = isRange;
    }

    /// <summary>
    /// Gets whether this is a range scheme: one integer column whose keys are dyadic blocks of its values (a row's value is in
    /// one block per level, <see cref="DependencyKeys.RangeLevels"/> of them; a range of values is a short list of blocks), so an
    /// entry can depend on the rows whose value lies in a range.
    /// </summary>
    public bool IsRange { get; }

    /// <summary>Gets which images of a row write bump this scheme's keys (<see cref="SchemeDirection"/>).</summary>
    public SchemeDirection Direction { get; }

    public TableModel Table { get; }

    /// <summary>Gets the columns, sorted by ordinal.</summary>
    public ColumnModel[] Columns { get; }

    /// <summary>Gets the columns the queries holding this scheme read (<see cref="ColumnMask"/>; <see cref="ColumnMask.All"/> when unknown).</summary>
    public ulong ReadMask { get; }

    /// <summary>Gets the identity of the column set and read mask within its table.</summary>
    public ulong Id { get; }

    public bool IsEmpty => Columns.Length == 0;

    /// <summary>
    /// The largest applied write position when the scheme was registered (<see cref="long.MaxValue"/> until then): writes
    /// above it are certainly applied to this scheme's keys, so a result shared by another process at a position at or above
    /// it can be checked against them.
    /// </summary>
    public long RegisteredAt = long.MaxValue;

    public override string ToString() => Table.QualifiedName + "(" + string.Join(",", (IEnumerable<ColumnModel>)Columns) + ")"
        + (ReadMask == ColumnMask.All ? string.Empty : " reads " + string.Join(",", ColumnMask.Names(Table, ReadMask)))
        + (Direction == SchemeDirection.Both ? string.Empty : " " + Direction.ToString().ToLowerInvariant())
        + (IsRange ? " range" : string.Empty);
}

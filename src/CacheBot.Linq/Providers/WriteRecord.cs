using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// One committed (or about to commit) write, as an integration reports it: a row write with the old and/or the new row,
/// or a write to unknown rows of a table, of a database, or of everything.
/// </summary>
/// <remarks>
/// <para>Rows are either entity snapshots (<see cref="ForRows"/> takes a member-wise copy, so later mutations of the
/// caller's object cannot change what is invalidated at commit) or database images (<see cref="RowValues"/>, raw values by
/// column name). A row write hits every cached result whose dependency values match the old or the new row; a column the
/// row does not hold turns the write into a table write, which is always sound.</para>
/// <para>Documentation: docs/writing-an-integration.md.</para>
/// </remarks>
public readonly struct WriteRecord
{
    private WriteRecord(WriteKind kind, TableModel table, object? oldRow, object? newRow)
    {
        Kind = kind;
        Table = table;
        OldRow = oldRow;
        NewRow = newRow;
    }

    /// <summary>Gets what the write changed.</summary>
    public WriteKind Kind { get; }

    /// <summary>Gets the written table (for <see cref="WriteKind.Database"/>, a placeholder table of that database named <c>*</c>).</summary>
    public TableModel Table { get; }

    /// <summary>Gets the row before the write (an entity snapshot or a <see cref="RowValues"/> image), or <see langword="null"/> (insert, or not a row write).</summary>
    public object? OldRow { get; }

    /// <summary>Gets the row after the write (an entity snapshot or a <see cref="RowValues"/> image), or <see langword="null"/> (delete, or not a row write).</summary>
    public object? NewRow { get; }

    /// <summary>Gets whether the write changes unknown rows (a table, a database or everything) rather than given rows.</summary>
    public bool IsTableWrite => Kind != WriteKind.Rows;

    /// <summary>Gets whether the write changes unknown tables of <see cref="TableModel.Database"/>.</summary>
    public bool IsDatabaseWrite => Kind == WriteKind.Database;

    /// <summary>A write to unknown rows of <paramref name="table"/> (bulk, unknown WHERE, DDL).</summary>
    /// <param name="table">The table.</param>
    /// <returns>The write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is <see langword="null"/>.</exception>
    public static WriteRecord ForTable(TableModel table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new(WriteKind.Table, table, null, null);
    }

    /// <summary>A write to unknown tables of <paramref name="database"/> (SQL that cannot be attributed): every entry on that database is invalidated.</summary>
    /// <param name="database">The logical database name (<see cref="IEntityModel.Database"/>).</param>
    /// <returns>The write.</returns>
    /// <exception cref="ArgumentException"><paramref name="database"/> is null or empty.</exception>
    public static WriteRecord ForDatabase(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        return new(WriteKind.Database, TableModel.ForName(database, null, "*"), null, null);
    }

    /// <summary>A write to everything the cache holds, in every database.</summary>
    /// <returns>The write.</returns>
    public static WriteRecord ForEverything() => new(WriteKind.Everything, TableModel.ForName("*", null, "*"), null, null);

    /// <summary>
    /// A row write from database images (the images are the caller's to give away: they are not copied). For an update the
    /// cache compares the two images to tell which columns changed (on tables that opt in,
    /// <see cref="TableModel.ImplicitlyReadColumns"/>); the same instance on both sides reports a change of unknown columns.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <param name="oldRow">The row before the write, or <see langword="null"/> for an insert.</param>
    /// <param name="newRow">The row after the write, or <see langword="null"/> for a delete.</param>
    /// <returns>The write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is <see langword="null"/>.</exception>
    public static WriteRecord ForImages(TableModel table, RowValues? oldRow, RowValues? newRow)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new(WriteKind.Rows, table, oldRow, newRow);
    }

    /// <summary>
    /// A row write from entity objects of <paramref name="table"/>'s entity type; member-wise copies are taken now. Passing
    /// the same object as both (a row changed in place) reports a change of unknown columns.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <param name="oldEntity">The entity before the write, or <see langword="null"/> for an insert.</param>
    /// <param name="newEntity">The entity after the write, or <see langword="null"/> for a delete.</param>
    /// <returns>The write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is <see langword="null"/>.</exception>
    public static WriteRecord ForRows(TableModel table, object? oldEntity, object? newEntity)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (ReferenceEquals(oldEntity, newEntity) && oldEntity is not null)
        {
            // One object for both: changed in place, so its old values are gone. The same copy on both sides tells the
            // engine not to compare them (every column counts as changed).
            var copy = ShallowCopy.Of(oldEntity);
            return new(WriteKind.Rows, table, copy, copy);
        }

        return new(WriteKind.Rows, table, oldEntity is null ? null : ShallowCopy.Of(oldEntity), newEntity is null ? null : ShallowCopy.Of(newEntity));
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        WriteKind.Rows => "rows of " + Table.QualifiedName,
        WriteKind.Table => "table " + Table.QualifiedName,
        WriteKind.Database => "database " + Table.Database,
        _ => "everything",
    };
}
